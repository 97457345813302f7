import { Match, Show, Switch, createMemo, createSignal, onMount } from 'solid-js';
import type { Device } from '@seal/shared';
import { ErrorAlert } from '../../components/ErrorAlert';
import { browserBluetoothSupport } from '../../device/bluetoothSupport';
import { loadDeviceIdentityReader } from '../../device/loadDeviceIdentityReader';
import type { DeviceIdentity } from '../../device/readDeviceIdentity';
import { registerDevice } from '../../device/registerDevice';
import { describeRegistrationError, RegistrationRefusal, registrationErrorCode } from '../../device/registrationError';
import { useI18n } from '../../i18n/I18nProvider';
import { useSync } from '../../sync/SyncProvider';
import { IdentityCheck } from './IdentityCheck';

/** Where the registration is: nothing yet, a step in progress, or the identity read and shown. */
type Step = { kind: 'idle' } | { kind: 'connecting' | 'reading' } | { kind: 'confirm' | 'registering'; identity: DeviceIdentity };

/**
 * Registers a real seal device: the browser's Bluetooth chooser (the stamping screen's Web
 * Bluetooth link), the device's `info` (its id and public key), the person checks it is the unit
 * in front of them, then it is registered as a simulated one is (`registerDevice`: a record the
 * server judges by the shared rules). Where the browser has no Web Bluetooth, says so instead.
 */
export function RegisterDevice(props: {
  unitId: string;
  unitName: string;
  /** Devices this tablet already holds: one of them is refused before anything is written. */
  registered: readonly Device[];
  /** A new registration begins (the last notice is over). */
  onStart?: () => void;
  onRegistered: (device: Device) => void;
}) {
  const { t } = useI18n();
  const sync = useSync();
  const support = browserBluetoothSupport();
  const [step, setStep] = createSignal<Step>({ kind: 'idle' });
  const [error, setError] = createSignal<unknown>();
  let button: HTMLButtonElement | undefined;
  // The Bluetooth client is fetched as the panel shows, so the chooser opens at once on the tap.
  onMount(() => {
    if (support === 'available') void loadDeviceIdentityReader().catch(() => undefined);
  });

  const fail = (err: unknown) => {
    setError(() => err);
    setStep({ kind: 'idle' });
    // The alert is announced; focus goes back to the button, to try again.
    queueMicrotask(() => button?.focus());
  };

  const read = async () => {
    setError(undefined);
    props.onStart?.();
    try {
      const { readDeviceIdentity } = await loadDeviceIdentityReader();
      const identity = await readDeviceIdentity(undefined, (at) => setStep({ kind: at }));
      const held = props.registered.find((d) => d.id === identity.deviceId);
      if (held !== undefined) throw new RegistrationRefusal('already_registered', `device ${held.id} is already registered in ${held.unitId}`);
      setStep({ kind: 'confirm', identity });
    } catch (err) {
      fail(err);
    }
  };

  const register = async (identity: DeviceIdentity) => {
    setError(undefined);
    setStep({ kind: 'registering', identity });
    try {
      const store = sync.store();
      if (store === undefined) throw new RegistrationRefusal('no_store', 'the local store is not open yet');
      const device = await registerDevice(store, identity.info, props.unitId);
      setStep({ kind: 'idle' });
      props.onRegistered(device);
      queueMicrotask(() => button?.focus());
    } catch (err) {
      fail(err);
    }
  };

  const busy = () => step().kind !== 'idle' && step().kind !== 'confirm';
  /** The identity read, while the person checks it or it is being registered. */
  const checking = createMemo(() => {
    const s = step();
    return s.kind === 'confirm' || s.kind === 'registering' ? s : undefined;
  });
  return (
    <div class="register-device" data-testid="register-device">
      <Switch>
        <Match when={support === 'unsupported'}>
          <p class="note note-warn" data-testid="bluetooth-unsupported">{t('devices.unsupported')}</p>
        </Match>
        <Match when={support === 'insecure'}>
          <p class="note note-warn" data-testid="bluetooth-unsupported">{t('devices.insecure')}</p>
        </Match>
        <Match when={support === 'available'}>
          <Show when={checking() === undefined}>
            <button ref={button} type="button" class="button button-primary" disabled={busy() || props.unitId === '' || sync.store() === undefined} onClick={() => void read()}>
              {t('devices.register')}
            </button>
          </Show>
          <Show when={step().kind === 'connecting' || step().kind === 'reading' || step().kind === 'registering'}>
            <p class="muted" role="status" data-testid="register-progress" data-step={step().kind}>
              {t(`devices.registerProgress.${step().kind as 'connecting' | 'reading' | 'registering'}`)}
            </p>
          </Show>
          <Show when={checking()}>
            {(s) => (
              <IdentityCheck
                identity={s().identity}
                unitName={props.unitName}
                registering={s().kind === 'registering'}
                onConfirm={() => void register(s().identity)}
                onCancel={() => {
                  setStep({ kind: 'idle' });
                  queueMicrotask(() => button?.focus());
                }}
              />
            )}
          </Show>
          <ErrorAlert error={error()} describe={describeRegistrationError} code={registrationErrorCode} />
        </Match>
      </Switch>
    </div>
  );
}
