import { For, Show } from 'solid-js';
import type { TimelineEvent } from '@seal/shared';
import { summaryItems } from '../../hq/eventSummary';
import { summaryWords } from '../../hq/summaryWords';
import { formatChinaDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import type { HqChoices } from './hqChoices';

/** Alarms and what the device refused stand out from the routine. */
const ALERT_KINDS = new Set(['tamper', 'geofence_breach', 'refusal', 'alarm', 'low_battery']);

/** A device log row's id is `fact:device_event:<deviceId>:<seq>`; its evidence page takes `deviceId:seq`. */
const DEVICE_EVENT_ROW = 'fact:device_event:';
const stampEvidenceId = (event: TimelineEvent): string | undefined =>
  event.kind === 'stamp' && event.rowId.startsWith(DEVICE_EVENT_ROW) ? event.rowId.slice(DEVICE_EVENT_ROW.length) : undefined;

/** One event of the merged log: what, when (China time), where, with which seal and device, who, and the rest of its summary. */
export function HqEventRow(props: { event: TimelineEvent; choices: HqChoices }) {
  const { t, locale } = useI18n();
  const e = () => props.event;
  const items = () =>
    summaryItems(e().summary, {
      nameOf: props.choices.nameOf,
      moment: (ms) => formatChinaDateTime(ms, locale()),
      yesNo: (value) => (value ? t('hq.yes') : t('hq.no')),
      ...summaryWords(t),
    });
  return (
    <li class="hq-event" classList={{ 'is-alert': ALERT_KINDS.has(e().kind) }} data-testid="hq-event" data-event-id={e().id} data-kind={e().kind}>
      <div class="hq-event-head">
        <span class="hq-event-kind" data-testid="hq-event-kind">{t(`eventKinds.${e().kind}`)}</span>
        <time class="hq-event-time" datetime={new Date(e().at).toISOString()}>
          {formatChinaDateTime(e().at, locale())}
        </time>
      </div>
      <dl class="hq-event-facts">
        <div>
          <dt>{t('hq.eventUnit')}</dt>
          <dd data-testid="hq-event-unit">{props.choices.unitName(e().unitId)}</dd>
        </div>
        <Show when={e().sealId}>
          {(sealId) => (
            <div>
              <dt>{t('hq.eventSeal')}</dt>
              <dd data-testid="hq-event-seal">{props.choices.sealName(sealId())}</dd>
            </div>
          )}
        </Show>
        <Show when={e().deviceId}>
          {(deviceId) => (
            <div>
              <dt>{t('hq.eventDevice')}</dt>
              <dd data-testid="hq-event-device">{deviceId()}</dd>
            </div>
          )}
        </Show>
        <Show when={e().personIds.length > 0}>
          <div>
            <dt>{t('hq.eventPeople')}</dt>
            <dd data-testid="hq-event-people">{e().personIds.map(props.choices.personName).join(locale() === 'zh-CN' ? '、' : ', ')}</dd>
          </div>
        </Show>
        <Show when={e().requestId}>
          {(requestId) => (
            <div>
              <dt>{t('hq.eventRequest')}</dt>
              <dd>
                <a href={`/requests/${encodeURIComponent(requestId())}`} data-testid="hq-event-request">{props.choices.requestTitle(requestId())}</a>
              </dd>
            </div>
          )}
        </Show>
      </dl>
      <Show when={stampEvidenceId(e())}>
        {(id) => (
          <p>
            <a href={`/hq/stamps/${id()}`} data-testid="hq-event-evidence">{t('hq.openEvidence')}</a>
          </p>
        )}
      </Show>
      <Show when={items().length > 0}>
        <p class="hq-event-summary">
          <span class="visually-hidden">{t('hq.eventDetails')}: </span>
          <For each={items()}>
            {(item) => (
              <span class="hq-summary-item">
                <span class="hq-summary-name">{item.name}</span> {item.value}
              </span>
            )}
          </For>
        </p>
      </Show>
    </li>
  );
}
