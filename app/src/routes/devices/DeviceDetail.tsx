import { A, useParams } from '@solidjs/router';
import { For, Show, createMemo } from 'solid-js';
import { can, deviceHealth, deviceLabel, subjectOf, type Device, type DeviceEvent, type SessionView as Session } from '@seal/shared';
import { actorFromSession } from '../../auth/actorFromSession';
import { RequireSession } from '../../components/RequireSession';
import { Screen } from '../../components/Screen';
import { colon, formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { createFacts } from '../../sync/createFacts';
import { createRecords } from '../../sync/createRecords';
import { DeviceName } from './DeviceName';
import { DeviceVisit } from './DeviceVisit';

/**
 * One seal device, from what this tablet holds (works offline): its seal and unit, last contact,
 * clock correction, stamps against the ink box's life, firmware, battery, alarms and its log in
 * plain words — no sequence numbers, no codes.
 */
export function DeviceDetail() {
  return <RequireSession>{(session) => <DevicePage session={session} />}</RequireSession>;
}

function DevicePage(props: { session: Session }) {
  const { t, locale } = useI18n();
  const params = useParams<{ id: string }>();
  const directory = useDirectory();
  const devices = createRecords('device');
  const seals = createRecords('seal');
  const log = createFacts('device_event', () => subjectOf('device', params.id));
  const device = () => devices().find((d) => d.recordId === params.id)?.record;
  const seal = () => {
    const d = device();
    return seals().find((s) => (d !== undefined && d.sealId !== null && s.recordId === d.sealId) || (s.record.form === 'physical' && s.record.deviceId === params.id))?.record;
  };
  const health = createMemo(() => deviceHealth(log()));
  /**
   * Who may connect to the device without a grant (to carry the revocation list, record its log):
   * whoever may have records signed for it (`device.bind`: admins and custodians over its unit).
   */
  const mayVisit = (unitId: Device['unitId']): boolean => can(actorFromSession(props.session.user), 'device.bind', { unitId }, directory.units()).ok;
  const when = (ms: number | null) => (ms === null ? t('deviceDetail.never') : formatDateTime(ms, locale()));
  const minutes = (ms: number) => Math.round(Math.abs(ms) / 60_000);
  /** One log entry in words: what happened, and the detail a site worker needs. */
  const said = (e: DeviceEvent): string => {
    const what = t(`eventKinds.${e.type}`);
    switch (e.type) {
      case 'refusal':
        return `${what}${colon(locale())}${t(`deviceDetail.refusalReasons.${e.payload.code in REASONS ? (e.payload.code as Reason) : 'other'}`)}`;
      case 'stamp':
        return e.payload.useIndex === null ? `${what} (${t('deviceDetail.withoutGrant')})` : `${what} · ${t('deviceDetail.useIndex', { n: e.payload.useIndex })}`;
      case 'low_battery':
        return `${what} · ${e.payload.percent}%`;
      case 'lock':
        return `${what} · ${t(`stamp.lockCause.${e.payload.cause}`)}`;
      default:
        return what;
    }
  };

  return (
    <Screen id="device-detail" title={t('deviceDetail.title', { name: device() === undefined ? params.id : deviceLabel(device()!) })} lead={t('deviceDetail.lead')}>
      <p><A href="/devices">{t('deviceDetail.back')}</A></p>
      <Show when={device()} fallback={<p class="muted">{t('deviceDetail.unknown')}</p>}>
        {(d) => (
          <>
            <DeviceName device={d()} actor={actorFromSession(props.session.user)} />
            <dl class="facts" data-testid="device-facts">
              <dt>{t('deviceDetail.seal')}</dt><dd>{seal()?.name ?? t('devices.noSeal')}</dd>
              <dt>{t('deviceDetail.unit')}</dt><dd>{directory.unitName(d().unitId)}</dd>
              <dt>{t('deviceDetail.lastContact')}</dt><dd>{when(health().lastContactAt)}</dd>
              <dt>{t('deviceDetail.clock')}</dt>
              <dd>{health().clockCorrectionMs === null ? t('deviceDetail.clockUnknown') : t('deviceDetail.clockCorrected', { minutes: minutes(health().clockCorrectionMs!) })}</dd>
              <dt>{t('deviceDetail.battery')}</dt>
              <dd>{health().lowBatteryPercent === null ? t('deviceDetail.batteryOk') : t('deviceDetail.batteryLow', { percent: health().lowBatteryPercent! })}</dd>
              <dt>{t('deviceDetail.stamps')}</dt>
              <dd data-testid="device-ink">
                {t('deviceDetail.inkUsed', { used: health().ink.used, capacity: health().ink.capacity })}
                <Show when={health().ink.replaceSoon}><strong class="badge badge-warn"> {t('deviceDetail.replaceInk')}</strong></Show>
              </dd>
              <dt>{t('deviceDetail.firmware')}</dt><dd>{health().firmware ?? t('deviceDetail.never')}</dd>
            </dl>
            <Show when={mayVisit(d().unitId)}>
              <DeviceVisit deviceId={params.id} />
            </Show>
            <h2 class="section-title">{t('deviceDetail.alarms')}</h2>
            <Show when={health().alarms.length > 0} fallback={<p class="muted">{t('deviceDetail.noAlarms')}</p>}>
              <ul class="alarm-list" data-testid="device-alarms">
                <For each={health().alarms}>{(e) => <li role="alert"><strong>{said(e)}</strong> <span class="muted">{when(e.at)}</span></li>}</For>
              </ul>
            </Show>
            <h2 class="section-title">{t('deviceDetail.log')}</h2>
            <Show when={health().entries.length > 0} fallback={<p class="muted">{t('deviceDetail.noLog')}</p>}>
              <ul class="device-log" data-testid="device-log">
                <For each={health().entries}>{(e) => <li><span class="muted">{when(e.at)}</span> {said(e)}</li>}</For>
              </ul>
            </Show>
          </>
        )}
      </Show>
    </Screen>
  );
}

/** Refusal reasons the device page names in words; any other is "refused". */
const REASONS = {
  seal_revoked: 1, request_withdrawn: 1, holder_deactivated: 1, approver_deactivated: 1, revocations_missing: 1, revocations_expired: 1,
  window_expired: 1, uses_exhausted: 1, outside_geofence: 1, locked: 1, holder_revoked: 1, approval_invalid: 1,
} as const;
type Reason = keyof typeof REASONS;
