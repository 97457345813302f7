import type { AlarmWithResolution, DeviceEvent } from '@seal/shared';
import { For, Show } from 'solid-js';
import type { StampShot } from '../../device/stamp/stampReads';
import { useI18n } from '../../i18n/I18nProvider';
import type { StampNames } from './stampNames';

/** The stamps made during this session, with their photos. */
export function StampsCard(props: { shots: readonly StampShot[]; names: StampNames }) {
  const { t } = useI18n();
  return (
    <div class="card" data-testid="stamps-card">
      <h2>
        {t('stamp.stampsTitle')} <span data-testid="stamp-count">{props.shots.length}</span>
      </h2>
      <ul class="stamp-shots">
        <For each={props.shots}>
          {(shot) => (
            <li data-testid="stamp" data-seq={shot.seq}>
              <Show when={shot.photo} fallback={<span class="muted">{t('stamp.noPhoto')}</span>}>
                {(src) => <img src={src()} width="96" height="96" alt={t('stamp.photoAlt', { n: String(shot.useIndex ?? shot.seq) })} />}
              </Show>
              <span>{t('stamp.useN', { n: String(shot.useIndex ?? '?') })}</span>
              <span class="muted">{props.names.date(shot.at)}</span>
            </li>
          )}
        </For>
      </ul>
    </div>
  );
}

/** Device events that are alarms (the device's own: case opened, left the place, battery low). */
const isAlarm = (event: DeviceEvent): boolean => event.type === 'tamper' || event.type === 'geofence_breach' || event.type === 'low_battery';

/** Headquarters' alarms about the device (resolved ones marked), and the notable entries of this session. */
export function EventsCard(props: { alarms: readonly AlarmWithResolution[]; events: readonly DeviceEvent[]; names: StampNames }) {
  const { t } = useI18n();
  const hqAlarmText = (kind: string): string =>
    kind === 'log_gap' || kind === 'log_fork' || kind === 'bad_signature' ? t(`stamp.hqAlarm.${kind}`) : t('stamp.hqAlarm.other', { kind });
  const eventText = (event: DeviceEvent): string =>
    event.type === 'refusal'
      ? t('stamp.refused', { reason: props.names.codeText(event.payload.code) })
      : event.type === 'lock'
        ? t('stamp.lockedBecause', { cause: t(`stamp.lockCause.${event.payload.cause}`) })
        : t(`stamp.alarm.${event.type}` as 'stamp.alarm.tamper');
  return (
    <div class="card" data-testid="events-card">
      <h2>{t('stamp.eventsTitle')}</h2>
      <Show when={props.alarms.length > 0}>
        <h3>{t('stamp.hqAlarms')}</h3>
        {/* An open alarm is said at once (role="alert"), in red, with a sign and words; a resolved one stays listed, quiet. */}
        <ul class="stamp-events" data-testid="device-alarms" role={props.alarms.some((a) => a.resolution === undefined) ? 'alert' : undefined}>
          <For each={props.alarms}>
            {({ alarm, resolution }) => (
              <li
                class={resolution ? 'stamp-alarm is-resolved' : 'alert alert-error stamp-alarm'}
                data-testid="device-alarm"
                data-kind={alarm.kind}
                data-severity={alarm.severity}
                data-state={resolution ? 'resolved' : 'open'}
              >
                <span aria-hidden="true">{resolution ? '✓ ' : '⚠ '}</span>
                <strong>{t('stamp.alarmWord')}</strong> {hqAlarmText(alarm.kind)} <span class="muted">{props.names.date(alarm.at)}</span>
                <Show when={resolution}>{(closed) => <span class="muted"> · {t('stamp.hqAlarmResolved', { time: props.names.date(closed().at) })}</span>}</Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={props.events.length > 0} fallback={<p class="muted">{t('stamp.noEvents')}</p>}>
        <ul class="stamp-events">
          <For each={props.events}>
            {(event) => (
              <li
                class={isAlarm(event) ? 'alert alert-error stamp-alarm' : undefined}
                role={isAlarm(event) ? 'alert' : undefined}
                data-testid="device-event"
                data-type={event.type}
                data-code={event.type === 'refusal' ? event.payload.code : undefined}
              >
                <Show when={isAlarm(event)}>
                  <span aria-hidden="true">⚠ </span>
                </Show>
                {eventText(event)} <span class="muted">{props.names.date(event.at)}</span>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}
