import { A } from '@solidjs/router';
import { For, Show, createSignal } from 'solid-js';
import type { AppNotification } from '@seal/shared';
import { fetchNotifications, markNotificationsRead } from '../../api/notifications';
import { ErrorAlert } from '../../components/ErrorAlert';
import { showUnread } from '../../components/NotificationsLink';
import { RequireSession } from '../../components/RequireSession';
import { Screen } from '../../components/Screen';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { createAction } from '../../primitives/createAction';
import { zhCN } from '../../i18n/zh-CN';
import { createStampNames, type StampNames } from '../stamp/stampNames';

/** The signed-in person's notifications: stamps of their seals, alarms in their scope. */
export function Notifications() {
  return <RequireSession>{() => <NotificationList />}</RequireSession>;
}

function NotificationItem(props: { item: AppNotification; names: StampNames; onRead: () => void }) {
  const { t, locale } = useI18n();
  const n = () => props.item;
  // Names from the records this device holds (the id itself when not held).
  const where = () => [
    n().sealId && t('notifications.seal', { seal: props.names.sealName(n().sealId!) }),
    n().deviceId && t('notifications.device', { device: n().deviceId! }),
  ].filter(Boolean).join(' · ');
  // What the event says beyond its ids, in the reader's words: a verdict, a move, a refusal, a use, a lock's cause.
  const detail = () => {
    const d = n().detail;
    if (!d) return '';
    const cause = d.cause;
    return [
      d.verdict && t(`requests.verdict_${d.verdict}`),
      d.to && `${d.from ? t(`sealStatuses.${d.from}`) : '—'} → ${t(`sealStatuses.${d.to}`)}`,
      d.code && props.names.codeText(d.code),
      typeof d.useIndex === 'number' && t('stamp.useN', { n: String(d.useIndex) }),
      cause && (Object.hasOwn(zhCN.stamp.lockCause, cause) ? t(`stamp.lockCause.${cause as 'holder'}`) : cause),
    ].filter(Boolean).join(' · ');
  };
  return (
    <li class={n().read ? 'notification' : 'notification notification-unread'} data-notification-kind={n().kind}>
      <div class="notification-main">
        <strong>
          {t(`notifications.kinds.${n().kind}`)}
          <Show when={n().alarmKind}>{(kind) => <>{' · '}{t(`webhooks.alarmKinds.${kind()}`)}</>}</Show>
        </strong>
        <Show when={!n().read}>
          <span class="badge">{t('notifications.unread')}</span>
        </Show>
        <span class="muted">{formatDateTime(n().at, locale())}</span>
      </div>
      <Show when={detail()}>
        <p class="notification-detail" data-testid="notification-detail">{detail()}</p>
      </Show>
      <Show when={where()}>
        <p class="notification-where">{where()}</p>
      </Show>
      <Show when={n().requestId}>
        {(id) => (
          <p class="notification-where">
            {t('notifications.requestLabel')} <A href={`/requests/${encodeURIComponent(id())}`}>{props.names.requestTitle(id())}</A>
          </p>
        )}
      </Show>
      {/* The server's own sentence (English): in full for English readers, folded for others (what
          it says is above in words; the sentence adds the ids of who acted). */}
      <Show
        when={locale() === 'en'}
        fallback={
          <details class="notification-summary">
            <summary class="muted">{t('notifications.serverDetail')}</summary>
            <p class="muted" lang="en">{n().summary}</p>
          </details>
        }
      >
        <p class="muted notification-summary" lang="en">{n().summary}</p>
      </Show>
      <Show when={!n().read}>
        <button type="button" class="button button-secondary button-small" onClick={() => props.onRead()}>
          {t('notifications.markRead')}
        </button>
      </Show>
    </li>
  );
}

function NotificationList() {
  const { t } = useI18n();
  const names = createStampNames();
  const [items, setItems] = createSignal<AppNotification[]>([]);
  const [next, setNext] = createSignal<string | null>(null);
  const load = createAction(async (cursor?: string) => {
    const page = await fetchNotifications(cursor);
    setItems((shown) => (cursor ? [...shown, ...page.notifications] : page.notifications));
    setNext(page.next);
    showUnread(page.unread);
  });
  const mark = createAction(async (which: { ids: string[] } | { upTo: string }) => {
    showUnread(await markNotificationsRead(which));
    const read = 'ids' in which ? new Set(which.ids) : undefined;
    setItems((shown) => shown.map((n) => (read === undefined || read.has(n.id) ? { ...n, read: true } : n)));
  });
  void load.run();
  return (
    <Screen
      id="notifications"
      title={t('notifications.title')}
      lead={t('notifications.lead')}
      actions={
        <Show when={items().some((n) => !n.read)}>
          <button type="button" class="button button-secondary" disabled={mark.pending()} onClick={() => void mark.run({ upTo: items()[0]!.id })}>
            {t('notifications.markAllRead')}
          </button>
        </Show>
      }
    >
      <ErrorAlert error={load.error() ?? mark.error()} />
      <Show when={!load.pending() || items().length > 0} fallback={<p class="loading">{t('common.loading')}</p>}>
        <Show when={items().length > 0} fallback={<p class="muted">{t('notifications.empty')}</p>}>
          <ul class="card-list notification-list">
            <For each={items()}>{(item) => <NotificationItem item={item} names={names} onRead={() => void mark.run({ ids: [item.id] })} />}</For>
          </ul>
        </Show>
      </Show>
      <Show when={next()}>
        {(cursor) => (
          <button type="button" class="button button-secondary" disabled={load.pending()} onClick={() => void load.run(cursor())}>
            {t('notifications.loadOlder')}
          </button>
        )}
      </Show>
    </Screen>
  );
}
