import { A } from '@solidjs/router';
import { Show, createEffect, createSignal, onCleanup } from 'solid-js';
import { fetchNotifications } from '../api/notifications';
import { serverReachability, signingOut } from '../api/reachability';
import { useAuth } from '../auth/AuthProvider';
import { useI18n } from '../i18n/I18nProvider';

/** How often the unread count is asked again while the app is open. */
const REFRESH_MS = 60_000;

const [unread, setUnread] = createSignal(0);

/** Sets the unread count the header shows (the notifications screen knows it after each change). */
export const showUnread = (count: number): void => void setUnread(count);

/**
 * The way to the notifications, with the unread count, for a signed-in person. The count is
 * asked for on sign-in, when the tab comes back into view, and every minute; offline, the last
 * count stays.
 */
export function NotificationsLink() {
  const { t } = useI18n();
  const auth = useAuth();
  const refresh = () => {
    // While the server is known silent the count stays as it is (its health probe is asking).
    if (!auth.session() || signingOut() || serverReachability()?.mayRequest() === false) return;
    fetchNotifications(undefined, 1).then((page) => setUnread(page.unread), () => undefined);
  };
  createEffect(() => {
    if (auth.session()) refresh();
  });
  const onVisible = () => document.visibilityState === 'visible' && refresh();
  document.addEventListener('visibilitychange', onVisible);
  const timer = setInterval(refresh, REFRESH_MS);
  onCleanup(() => {
    clearInterval(timer);
    document.removeEventListener('visibilitychange', onVisible);
  });
  return (
    <Show when={auth.session()}>
      <A href="/notifications" class="button button-secondary button-small notifications-link" data-testid="notifications-link">
        {/* Phones show the bell alone; the word stays the link's accessible name. */}
        <svg class="notifications-bell" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
          <path fill="currentColor" d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3a1.5 1.5 0 0 0-3 0v1.16A7 7 0 0 0 5 11v5l-2 2v1h18v-1Z" />
        </svg>
        <span class="notifications-label">{t('notifications.nav')}</span>
        <Show when={unread() > 0}>
          <span class="badge badge-admin notifications-count" aria-hidden="true">
            {unread()}
          </span>
          <span class="visually-hidden">{t('notifications.unreadBadge', { count: unread() })}</span>
        </Show>
      </A>
    </Show>
  );
}
