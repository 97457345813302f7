import { Show, createEffect, createMemo, createSignal, on } from 'solid-js';
import { can, deviceLabel, holdsSeal, type Device, type SealRecord, type SealStatus, type User } from '@seal/shared';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { createAction } from '../../primitives/createAction';
import { StoreError } from '../../store/StoreError';
import { useSync } from '../../sync/SyncProvider';
import { installBindingOnSimulatedDevice } from '../../device/installBindingOnSimulatedDevice';
import { bindSeal } from './sealActions';
import { SealErrorAlert } from './SealErrorAlert';
import { bindableDevices } from './sealViews';
import { Select } from '../../components/Select';

/** A physical seal's record. */
export type PhysicalSealRecord = Extract<SealRecord, { form: 'physical' }>;

/** Seals in these states may be locked in a device; any seal may be taken out of one. */
const BINDABLE: readonly (SealStatus | null)[] = ['active', 'suspended'];

/**
 * The smart-seal device a physical seal is locked in: which one, and — for custodians and
 * administrators over the seal's unit who may also bind the device — binding it to a registered
 * device or taking it out. The seal's and the device's records are changed together.
 */
export function SealBinding(props: { seal: PhysicalSealRecord; status: SealStatus | null; actor: User; devices: readonly Device[]; onChanged: (deviceId: string | null) => void }) {
  const { t } = useI18n();
  const sync = useSync();
  const directory = useDirectory();
  const current = createMemo(() => (props.seal.deviceId === null ? undefined : props.devices.find((d) => d.id === props.seal.deviceId)));
  const mayChange = createMemo(() => can(props.actor, 'seal.update', { unitId: props.seal.unitId }, directory.units()).ok);
  const bindable = createMemo(() => bindableDevices(props.devices, props.seal, props.actor, directory.units()));
  const choices = createMemo(() => bindable().filter((d) => d.id !== props.seal.deviceId));
  // Locked in a device whose record does not name the seal back (a write cut off before both were
  // one; a device registered on a tablet that did not hold the seal yet): its record can take it.
  const repairable = createMemo(() => BINDABLE.includes(props.status) && bindable().some((d) => d.id === props.seal.deviceId && !holdsSeal(d, props.seal.id)));
  const [choice, setChoice] = createSignal('');
  createEffect(on(choices, (list) => {
    if (!list.some((d) => d.id === choice())) setChoice(list[0]?.id ?? '');
  }));
  const change = createAction(async (deviceId: string | null) => {
    const store = sync.store();
    if (store === undefined) throw new StoreError('closed', 'the local store is not open yet');
    await bindSeal(store, props.seal, deviceId, props.devices);
    props.onChanged(deviceId);
    // A simulated device in this browser takes the new binding once the record is on the server.
    if (deviceId !== null) void installBindingOnSimulatedDevice({ ...props.seal, deviceId }, sync.awaitInSync);
  });
  const labelOf = (device: Device | undefined, id: string): string => (device === undefined ? t('seals.deviceNotHeld', { id }) : `${deviceLabel(device)} · ${directory.unitName(device.unitId)}`);

  return (
    <section class="panel seal-panel" aria-labelledby="seal-binding-title" data-testid="seal-binding">
      <h2 id="seal-binding-title">{t('seals.bindingTitle')}</h2>
      <p class="seal-bound" data-testid="bound-device" data-device-id={props.seal.deviceId ?? ''}>
        {props.seal.deviceId === null ? t('seals.notBound') : t('seals.boundTo', { device: labelOf(current(), props.seal.deviceId) })}
      </p>
      <Show when={mayChange()}>
        <Show when={BINDABLE.includes(props.status)} fallback={<p class="muted">{t('seals.bindNotNow')}</p>}>
          <Show when={choices().length > 0} fallback={<Show when={props.seal.deviceId === null}><p class="muted">{t('seals.noDevices')}</p></Show>}>
            <div class="seal-bind-row">
              <label class="visually-hidden" for="seal-bind-device">
                {t('seals.deviceLabel')}
              </label>
              <Select id="seal-bind-device" value={choice()} options={choices().map((device) => ({ value: device.id, label: labelOf(device, device.id) }))} onChange={setChoice} disabled={change.pending()} />
              <button type="button" class="button button-primary" disabled={change.pending() || choice() === ''} onClick={() => void change.run(choice())}>
                {props.seal.deviceId === null ? t('seals.bind') : t('seals.rebind')}
              </button>
            </div>
          </Show>
        </Show>
        <Show when={repairable()}>
          <p class="muted" data-testid="device-not-holding">{t('seals.deviceNotHolding')}</p>
          <button type="button" class="button button-primary" disabled={change.pending()} onClick={() => void change.run(props.seal.deviceId)}>
            {t('seals.confirmHolding')}
          </button>
        </Show>
        <Show when={props.seal.deviceId !== null}>
          <button type="button" class="button button-secondary" disabled={change.pending()} onClick={() => void change.run(null)}>
            {t('seals.unbind')}
          </button>
        </Show>
        <SealErrorAlert error={change.error()} />
      </Show>
    </section>
  );
}
