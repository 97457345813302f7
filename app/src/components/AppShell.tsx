import { A, useLocation, type RouteSectionProps } from '@solidjs/router';
import { Show } from 'solid-js';
import { createSealFontWarmUp } from '../documents/createSealFontWarmUp';
import { useI18n } from '../i18n/I18nProvider';
import { createOnlineStatus } from '../primitives/createOnlineStatus';
import { createServerReachability } from '../sync/createServerReachability';
import { AccountMenu } from './AccountMenu';
import { AppNav } from './AppNav';
import { ConnectionStatus } from './ConnectionStatus';
import { LanguageSwitch } from './LanguageSwitch';
import { NotificationsLink } from './NotificationsLink';
import { ServiceWorkerToast } from './ServiceWorkerToast';
import { SyncStatus } from '../sync/SyncStatus';

/** The frame around every screen: header (product, notifications, connection, language, who is signed in), the screen, the toast. */
export function AppShell(props: RouteSectionProps) {
  const { t } = useI18n();
  const online = createOnlineStatus();
  const server = createServerReachability();
  const location = useLocation();
  // Staff tablets keep the seal's font for stamping PDFs offline (too big for the precache).
  createSealFontWarmUp(online);
  return (
    <div class="shell">
      <header class="app-header">
        <div class="app-header-inner">
          <A href="/" class="brand" end>
            <img class="brand-mark" src="/icons/icon.svg" alt="" width="36" height="36" />
            <span class="brand-name">{t('app.name')}</span>
          </A>
          <div class="header-tools">
            <NotificationsLink />
            <ConnectionStatus />
            <LanguageSwitch />
          </div>
          <Show when={location.pathname !== '/signin'}>
            <AccountMenu />
          </Show>
        </div>
        {/* Tablets have no hover: say in words what offline means, not only in the pill. */}
        <Show when={!online() || server() === 'unreachable'}>
          <p class="offline-banner">{online() ? t('connection.serverUnreachableHint') : t('connection.offlineHint')}</p>
        </Show>
        <SyncStatus />
      </header>
      <div class="shell-body">
        <AppNav />
        <main class="app-main" id="main">
          {props.children}
        </main>
      </div>
      <ServiceWorkerToast />
    </div>
  );
}
