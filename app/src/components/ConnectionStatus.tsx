import { useI18n } from '../i18n/I18nProvider';
import { createOnlineStatus } from '../primitives/createOnlineStatus';
import { createServerReachability } from '../sync/createServerReachability';

/**
 * The connection pill in the header: "online" only once the server answered (its health probe or
 * any request), "offline" while it does not (or there is no network), "connecting" before the
 * first answer.
 */
export function ConnectionStatus() {
  const { t } = useI18n();
  const network = createOnlineStatus();
  const server = createServerReachability();
  const online = (): boolean => network() && server() === 'reachable';
  const label = (): string => (online() ? t('connection.online') : server() === 'unknown' && network() ? t('connection.connecting') : t('connection.offline'));
  const hint = (): string => (online() ? t('connection.onlineHint') : network() ? t('connection.serverUnreachableHint') : t('connection.offlineHint'));
  return (
    <p
      class="connection-status"
      classList={{ 'is-offline': !online() }}
      role="status"
      data-online={online() ? 'true' : 'false'}
      data-server={server()}
      title={hint()}
    >
      <span class="connection-dot" aria-hidden="true" />
      {label()}
    </p>
  );
}
