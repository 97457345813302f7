import { A } from '@solidjs/router';
import { For, Show, createMemo, createResource, createSignal, onMount } from 'solid-js';
import { deviceLabel, type Device } from '@seal/shared';
import type { SessionView as Session } from '@seal/shared';
import { holdsRole } from '../auth/roles';
import { ErrorAlert } from '../components/ErrorAlert';
import { RequireSession } from '../components/RequireSession';
import { loadSimulatedDevice } from '../device/loadSimulatedDevice';
import { simulatedDeviceIds } from '../device/simulatedDeviceIds';
import { formatDateTime } from '../i18n/format';
import { useI18n } from '../i18n/I18nProvider';
import { useDirectory } from '../org/DirectoryProvider';
import { createAction } from '../primitives/createAction';
import { createRecords } from '../sync/createRecords';
import { Screen } from '../components/Screen';
import { AddDevicePanel } from './devices/AddDevicePanel';

/**
 * Seal devices: the registered ones in scope; registering a real one over Bluetooth (and, for demos,
 * simulated devices kept in this browser) for administrators and custodians.
 */
export function Devices() {
  return <RequireSession>{(session) => <DeviceList session={session} />}</RequireSession>;
}

/** One registered device: serial, unit, the seal it holds, when it was registered; a simulated one can be updated. */
function DeviceRow(props: { device: Device; seal: { name: string } | undefined; simulated: boolean; mayUpdate: boolean; updating: boolean; onUpdate: () => void }) {
  const { t, locale } = useI18n();
  const directory = useDirectory();
  const d = () => props.device;
  return (
    <li data-device-id={d().id}>
      <div class="device-main">
        <strong><A href={`/devices/${encodeURIComponent(d().id)}`}>{deviceLabel(d())}</A></strong>
        <Show when={props.simulated}>
          <span class="badge badge-sim">{t('devices.simulatedBadge')}</span>
        </Show>
        <span class="muted">{directory.unitName(d().unitId)}</span>
      </div>
      <div class="device-meta">
        <span data-testid="device-seal">{props.seal === undefined ? t('devices.noSeal') : t('devices.holds', { seal: props.seal.name })}</span>
        <span class="muted">{t('devices.registeredAt', { at: formatDateTime(d().provisionedAt, locale()) })}</span>
      </div>
      <Show when={props.simulated && props.mayUpdate}>
        <button type="button" class="button button-secondary" disabled={props.updating} onClick={() => props.onUpdate()}>
          {t('devices.update')}
        </button>
      </Show>
    </li>
  );
}

function DeviceList(props: { session: Session }) {
  const { t } = useI18n();
  const directory = useDirectory();
  const devices = createRecords('device');
  const seals = createRecords('seal');
  const [simulated, { refetch }] = createResource(simulatedDeviceIds, { initialValue: [] });
  const [notice, setNotice] = createSignal<string>();
  const manages = () => holdsRole(props.session, 'admin') || holdsRole(props.session, 'custodian');
  // Units or roles may have changed since the directory was fetched.
  onMount(() => void directory.refresh());
  const sorted = createMemo(() => [...devices()].sort((a, b) => b.record.provisionedAt - a.record.provisionedAt));
  /** The seal locked in a device: by the device's record, or by a seal record naming the device. */
  const sealIn = (deviceId: string, sealId: string | null) =>
    seals().find((s) => s.recordId === sealId)?.record ?? seals().find((s) => s.record.form === 'physical' && s.record.deviceId === deviceId)?.record;
  const fenceCentre = (id: string) => directory.units().find((u) => u.id === id)?.geofence ?? null;

  const update = createAction(async (deviceId: string, deviceUnitId: string, sealId: string | null) => {
    const seal = sealIn(deviceId, sealId);
    const { openSimulatedSeal } = await loadSimulatedDevice();
    const sim = await openSimulatedSeal(deviceId, {
      ...(seal === undefined ? {} : { seal: { id: seal.id, kind: seal.kind, custodianId: seal.custodianId, unitId: seal.unitId } }),
      position: fenceCentre(deviceUnitId),
    });
    try {
      const info = await sim.client.info();
      setNotice(info.sealId === null ? t('devices.updatedUnbound', { id: deviceId }) : t('devices.updated', { id: deviceId, seal: seals().find((s) => s.recordId === info.sealId)?.record.name ?? info.sealId }));
    } finally {
      sim.close();
    }
  });

  return (
    <Screen id="devices" title={t('devices.title')} lead={t('devices.lead')} notice={notice()}>
      <div class="columns">
        <div class="column-main">
          <h2 class="section-title">{t('devices.listTitle')}</h2>
          <ErrorAlert error={update.error()} />
          <Show when={sorted().length > 0} fallback={<p class="muted">{t('devices.none')}</p>}>
            <ul class="device-list" data-testid="device-list">
              <For each={sorted()}>
                {(held) => (
                  <DeviceRow
                    device={held.record}
                    seal={sealIn(held.record.id, held.record.sealId)}
                    simulated={simulated().includes(held.record.id)}
                    mayUpdate={manages()}
                    updating={update.pending()}
                    onUpdate={() => void update.run(held.record.id, held.record.unitId, held.record.sealId)}
                  />
                )}
              </For>
            </ul>
          </Show>
        </div>
        <Show
          when={manages()}
          fallback={
            <section class="panel column-side" aria-labelledby="add-device-title">
              <h2 id="add-device-title">{t('devices.registerTitle')}</h2>
              <p class="muted" data-testid="register-not-permitted">{t('devices.mayNot')}</p>
            </section>
          }
        >
          <AddDevicePanel session={props.session} registered={devices().map((d) => d.record)} onNotice={setNotice} onSimulatedAdded={() => void refetch()} />
        </Show>
      </div>
    </Screen>
  );
}
