import type { JSX } from 'solid-js';
import { useI18n } from '../i18n/I18nProvider';
import { Progress } from './Progress';

/** Where a passkey registration is: asking the server for options, the authenticator's prompt, the server's check. */
export type RegistrationStage = 'checking' | 'passkey' | 'verifying';

/**
 * The end of a form that creates a passkey (setup, joining): its submit button, any other
 * buttons (`children`), and under them what the registration is doing now.
 */
export function CreatePasskeyActions(props: { label: string; pending: boolean; stage: RegistrationStage | undefined; children?: JSX.Element }) {
  const { t } = useI18n();
  const progress = (): string | undefined => {
    if (props.stage === 'checking') return t('ceremony.checking');
    if (props.stage === 'passkey') return t('ceremony.creatingPasskey');
    if (props.stage === 'verifying') return t('ceremony.verifying');
    return undefined;
  };
  return (
    <>
      <div class="form-actions">
        <button type="submit" class="button button-primary button-large" disabled={props.pending}>
          {props.label}
        </button>
        {props.children}
      </div>
      <Progress message={progress()} />
    </>
  );
}
