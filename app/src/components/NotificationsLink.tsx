import { A } from '@solidjs/router';
import { Show, createEffect, createSignal, onCleanup } from 'solid-js';
import { fetchNotifications } from '../api/notifications';
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
    if (!auth.session()) return;
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
        {t('notifications.nav')}
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
