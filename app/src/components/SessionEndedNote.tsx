import { Show } from 'solid-js';
import { useAuth } from '../auth/AuthProvider';
import { useI18n } from '../i18n/I18nProvider';

/** Where sign-in is offered: says that this device's session ended (expired, or ended elsewhere). */
export function SessionEndedNote() {
  const { t } = useI18n();
  const auth = useAuth();
  return (
    <Show when={auth.sessionEnded()}>
      <p class="note note-warn" role="status" data-testid="session-ended">
        {t('errors.session_expired')}
      </p>
    </Show>
  );
}
