import { createEffect, createMemo, createSignal } from 'solid-js';
import { isInSubtree, type Device, type UnitId } from '@seal/shared';
import type { SessionView as Session } from '@seal/shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { UnitSelect } from '../../components/UnitSelect';
import { loadSimulatedDevice } from '../../device/loadSimulatedDevice';
import { registerDevice } from '../../device/registerDevice';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { createAction } from '../../primitives/createAction';
import { useSync } from '../../sync/SyncProvider';
import { RegisterDevice } from './RegisterDevice';

/** A fresh id for a simulated device: `sim-` and 8 random hex digits. */
const newSimulatedId = (): string => `sim-${[...crypto.getRandomValues(new Uint8Array(4))].map((b) => b.toString(16).padStart(2, '0')).join('')}`;

/**
 * Adding a seal device (administrators and custodians): the unit it goes to, then a real device
 * registered over Bluetooth (the primary action) or, for demos, a simulated device made in this
 * browser. Both register the device the same way (`registerDevice`).
 */
export function AddDevicePanel(props: {
  session: Session;
  registered: readonly Device[];
  /** Says what was done (`undefined`: clears the last notice). */
  onNotice: (message: string | undefined) => void;
  onSimulatedAdded: () => void;
}) {
  const { t } = useI18n();
  const sync = useSync();
  const directory = useDirectory();
  const [unitId, setUnitId] = createSignal('');
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
  const fenceCentre = (id: string) => directory.units().find((u) => u.id === id)?.geofence ?? null;

  const addSimulated = createAction(async () => {
    const store = sync.store();
    if (store === undefined) throw new Error(t('devices.noStore'));
    const unit = unitId();
    const { openSimulatedSeal } = await loadSimulatedDevice();
    const sim = await openSimulatedSeal(newSimulatedId(), { position: fenceCentre(unit) });
    try {
      const device = await registerDevice(store, await sim.client.info(), unit);
      props.onNotice(t('devices.added', { id: device.id, unit: directory.unitName(unit) }));
    } finally {
      sim.close();
    }
    props.onSimulatedAdded();
  });

  return (
    <section class="panel form column-side" aria-labelledby="add-device-title">
      <h2 id="add-device-title">{t('devices.registerTitle')}</h2>
      <p class="muted">{t('devices.registerBody')}</p>
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
      <RegisterDevice
        unitId={unitId()}
        unitName={directory.unitName(unitId())}
        registered={props.registered}
        onStart={() => props.onNotice(undefined)}
        onRegistered={(device) => props.onNotice(t('devices.registered', { id: device.id, unit: directory.unitName(device.unitId) }))}
      />
      <form
        class="simulated-device"
        aria-labelledby="simulated-device-title"
        onSubmit={(e) => {
          e.preventDefault();
          props.onNotice(undefined);
          void addSimulated.run();
        }}
      >
        <h3 id="simulated-device-title">{t('devices.addTitle')}</h3>
        <p class="muted">{t('devices.addBody')}</p>
        <ErrorAlert error={addSimulated.error()} />
        <button type="submit" class="button button-secondary" disabled={addSimulated.pending() || unitId() === '' || sync.store() === undefined}>
          {addSimulated.pending() ? t('devices.adding') : t('devices.add')}
        </button>
      </form>
    </section>
  );
}
