import { A } from '@solidjs/router';
import { For, Show, createEffect, createMemo, createResource, createSignal, onMount } from 'solid-js';
import { deviceLabel, isInSubtree, type Device, type UnitId } from '@seal/shared';
import type { SessionView as Session } from '@seal/shared';
import { holdsRole } from '../auth/roles';
import { ErrorAlert } from '../components/ErrorAlert';
import { Field } from '../components/Field';
import { RequireSession } from '../components/RequireSession';
import { registerDevice } from '../device/registerDevice';
import { loadSimulatedDevice } from '../device/loadSimulatedDevice';
import { simulatedDeviceIds } from '../device/simulatedDeviceIds';
import { formatDateTime } from '../i18n/format';
import { useI18n } from '../i18n/I18nProvider';
import { useDirectory } from '../org/DirectoryProvider';
import { createAction } from '../primitives/createAction';
import { createRecords } from '../sync/createRecords';
import { useSync } from '../sync/SyncProvider';
import { UnitSelect } from '../components/UnitSelect';
import { Screen } from '../components/Screen';

/** Seal devices: the registered ones in scope, and (for demos) simulated devices kept in this browser. */
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

/** A fresh id for a simulated device: `sim-` and 8 random hex digits. */
const newSimulatedId = (): string => `sim-${[...crypto.getRandomValues(new Uint8Array(4))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;

function DeviceList(props: { session: Session }) {
  const { t } = useI18n();
  const sync = useSync();
  const directory = useDirectory();
  const devices = createRecords('device');
  const seals = createRecords('seal');
  const [simulated, { refetch }] = createResource(simulatedDeviceIds, { initialValue: [] });
  const [notice, setNotice] = createSignal<string>();
  const [unitId, setUnitId] = createSignal('');

  const manages = () => holdsRole(props.session, 'admin') || holdsRole(props.session, 'custodian');
  /** Units where this user may register a device: those their admin or custodian roles cover. */
  const unitChoices = createMemo(() => {
    const roots = props.session.user.grants.filter((g) => g.role === 'admin' || g.role === 'custodian').map((g) => g.unitId as UnitId);
    const units = directory.units();
    return units.filter((u) => roots.some((root) => isInSubtree(u.id, root, units)));
  });
  // Until the user picks one, the first site (devices go to sites), as the directory arrives or refreshes.
  const [picked, setPicked] = createSignal(false);
  createEffect(() => {
    const first = unitChoices().find((u) => u.kind === 'site') ?? unitChoices()[0];
    if (first && !picked()) setUnitId(first.id);
  });
  // Units or roles may have changed since the directory was fetched.
  onMount(() => void directory.refresh());
  const sorted = createMemo(() => [...devices()].sort((a, b) => b.record.provisionedAt - a.record.provisionedAt));
  /** The seal locked in a device: by the device's record, or by a seal record naming the device. */
  const sealIn = (deviceId: string, sealId: string | null) =>
    seals().find((s) => s.recordId === sealId)?.record ?? seals().find((s) => s.record.form === 'physical' && s.record.deviceId === deviceId)?.record;
  const fenceCentre = (id: string) => directory.units().find((u) => u.id === id)?.geofence ?? null;

  const addSimulated = createAction(async () => {
    const store = sync.store();
    if (store === undefined) throw new Error(t('devices.noStore'));
    const unit = unitId();
    const { openSimulatedSeal } = await loadSimulatedDevice();
    const sim = await openSimulatedSeal(newSimulatedId(), { position: fenceCentre(unit) });
    try {
      const device = await registerDevice(store, await sim.client.info(), unit);
      setNotice(t('devices.added', { id: device.id, unit: directory.unitName(unit) }));
    } finally {
      sim.close();
    }
    await refetch();
  });

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
        <Show when={manages()}>
          <form
            class="panel form column-side"
            aria-labelledby="add-device-title"
            onSubmit={(e) => {
              e.preventDefault();
              setNotice(undefined);
              void addSimulated.run();
            }}
          >
            <h2 id="add-device-title">{t('devices.addTitle')}</h2>
            <p class="muted">{t('devices.addBody')}</p>
            <Field id="device-unit" label={t('devices.unitLabel')}>
              <UnitSelect
                id="device-unit"
                required
                value={unitId()}
                units={unitChoices().map((unit) => ({ unit }))}
                onChange={(value) => {
                  setPicked(true);
                  setUnitId(value);
                }}
                disabled={addSimulated.pending()}
              />
            </Field>
            <ErrorAlert error={addSimulated.error()} />
            <button type="submit" class="button button-primary" disabled={addSimulated.pending() || unitId() === '' || sync.store() === undefined}>
              {addSimulated.pending() ? t('devices.adding') : t('devices.add')}
            </button>
          </form>
        </Show>
      </div>
    </Screen>
  );
}
