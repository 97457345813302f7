import { useI18n } from '../i18n/I18nProvider';
import { createOnlineStatus } from '../primitives/createOnlineStatus';

/** The online/offline pill in the header. Later it also shows last sync and rows waiting to go up. */
export function ConnectionStatus() {
  const { t } = useI18n();
  const online = createOnlineStatus();
  return (
    <p
      class="connection-status"
      classList={{ 'is-offline': !online() }}
      role="status"
      data-online={online() ? 'true' : 'false'}
      title={online() ? t('connection.onlineHint') : t('connection.offlineHint')}
    >
      <span class="connection-dot" aria-hidden="true" />
      {online() ? t('connection.online') : t('connection.offline')}
    </p>
  );
}
