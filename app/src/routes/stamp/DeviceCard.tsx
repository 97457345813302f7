import type { Grant } from '@seal/shared';
import { Show, createResource } from 'solid-js';
import { ApiError } from '../../api/ApiError';
import { simulatedDeviceIds } from '../../device/simulatedDeviceIds';
import type { StampPhase } from '../../device/stamp/stampPhases';
import type { StampSession } from '../../device/stamp/stampSession';
import { describeError } from '../../i18n/describeError';
import { useI18n } from '../../i18n/I18nProvider';
import type { StampNames } from './stampNames';

/** The device: how to link it, its state, what becomes of its log here, and the actions its phase allows. */
export function DeviceCard(props: {
  session: StampSession;
  grant: Grant;
  usesLeft: number | undefined;
  mayRegister: boolean;
  names: StampNames;
  onConnectSimulated: () => void;
}) {
  const { t } = useI18n();
  const s = () => props.session;
  // A simulated device lives in the browser that added it (its key and log are kept there): made
  // afresh here it would sign with another key, and HQ would see its log as forged.
  const [kept] = createResource(simulatedDeviceIds, { initialValue: [] });
  const simulatedHere = () => kept().includes(props.grant.deviceId);
  const phaseIs = (...phases: StampPhase[]): boolean => phases.includes(s().phase());
  /** A server refusal (while provisioning the simulated device) in its own words; a device code by its translation. */
  const errorText = (code: string): string => {
    const failure = s().failure();
    return failure instanceof ApiError ? describeError(t, failure) : props.names.codeText(code);
  };
  return (
    <div class="card" data-testid="device-card">
      <h2>{t('stamp.deviceTitle')}</h2>
      <Show when={phaseIs('idle', 'connecting')}>
        <div class="button-row">
          <button type="button" class="button button-primary" disabled={phaseIs('connecting')} onClick={() => void s().connectBluetooth()}>
            {t('stamp.connect')}
          </button>
          <button type="button" class="button button-secondary" disabled={phaseIs('connecting') || !simulatedHere()} onClick={() => props.onConnectSimulated()}>
            {t('stamp.connectSimulated')}
          </button>
        </div>
        <Show when={kept.state === 'ready' && !simulatedHere()}>
          <p class="field-hint" data-testid="simulated-elsewhere">{t('stamp.simulatedElsewhere', { device: props.grant.deviceId })}</p>
        </Show>
      </Show>
      <Show when={s().info()}>
        {(info) => (
          <dl class="stamp-facts" data-testid="device-state">
            <dt>{t('stamp.sealId')}</dt>
            <dd>{props.names.sealLabel(info().sealId)}</dd>
            <dt>{t('stamp.battery')}</dt>
            <dd>{`${s().status()?.batteryPercent ?? info().batteryPercent}%`}</dd>
            <dt>{t('stamp.clock')}</dt>
            <dd>{props.names.date(s().status()?.clock ?? info().clock)}</dd>
            <dt>{t('stamp.lockState')}</dt>
            <dd data-testid="lock-state">{s().status()?.locked === false ? t('stamp.unlocked') : t('stamp.locked')}</dd>
            <dt>{t('stamp.usesLeft')}</dt>
            <dd data-testid="uses-left">{props.usesLeft ?? '—'}</dd>
          </dl>
        )}
      </Show>
      <Show when={s().info()}>
        <DeviceLogState session={s()} grant={props.grant} mayRegister={props.mayRegister} />
      </Show>
      <Show when={!s().linkUp()}>
        <p class="note note-warn" role="status">{t('stamp.reconnecting')}</p>
      </Show>
      <Show when={s().error()}>
        {(code) => (
          <p class="alert alert-error" role="alert" data-error-code={code()}>
            {errorText(code())}
          </p>
        )}
      </Show>
      <div class="button-row">
        <Show when={phaseIs('connected')}>
          <button type="button" class="button button-primary" onClick={() => void s().unlock(props.grant)}>
            {t('stamp.unlock')}
          </button>
        </Show>
        <Show when={phaseIs('confirming')}>
          <p class="muted">{t('stamp.confirming')}</p>
        </Show>
        <Show when={phaseIs('unlocked')}>
          <button type="button" class="button button-primary" onClick={() => void s().lock()}>
            {t('stamp.lock')}
          </button>
        </Show>
        <Show when={phaseIs('connected', 'unlocked')}>
          <button type="button" class="button button-secondary" onClick={() => void s().pullLog()}>
            {t('stamp.pullLog')}
          </button>
        </Show>
        <Show when={s().photosWithheld() > 0 && phaseIs('connected', 'unlocked')}>
          <button type="button" class="button button-secondary" data-testid="read-photos" onClick={() => void s().readPhotos()}>
            {t('stamp.readPhotos', { count: String(s().photosWithheld()) })}
          </button>
        </Show>
      </div>
    </div>
  );
}

/** What becomes of the device's log on this tablet; an admin or custodian may register an unknown device here. */
function DeviceLogState(props: { session: StampSession; grant: Grant; mayRegister: boolean }) {
  const { t } = useI18n();
  const recording = () => props.session.recording();
  return (
    <div class="device-log" data-testid="device-log" data-state={recording().state}>
      <Show when={recording().state === 'no_store'}>
        <p class="muted">{t('stamp.logNoStore')}</p>
      </Show>
      <Show when={recording().state === 'unregistered'}>
        <p class="note note-warn">{t('stamp.logUnregistered')}</p>
        <Show when={props.mayRegister}>
          <button type="button" class="button button-secondary" onClick={() => void props.session.register(props.grant.decisions[0]!.payload.place.unitId)}>
            {t('stamp.register')}
          </button>
        </Show>
      </Show>
      <Show when={recording().state === 'recording'}>
        <p class="muted" data-testid="log-recording" data-held-seq={recording().heldSeq ?? ''}>
          {recording().heldSeq === null
            ? t('stamp.logNothingHeld')
            : t('stamp.logRecording', { seq: String(recording().heldSeq), recorded: String(recording().recorded), photos: String(recording().photos) })}
        </p>
      </Show>
      <Show when={recording().problems.length > 0}>
        <p class="alert alert-error" role="alert" data-error-code="device_log_problem">
          {t('stamp.logProblems', { count: String(recording().problems.length) })}
        </p>
      </Show>
    </div>
  );
}
