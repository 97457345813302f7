import { A, useNavigate } from '@solidjs/router';
import { Show, createSignal } from 'solid-js';
import { ApiError } from '../api/ApiError';
import { setupOptions, setupVerify } from '../api/setup';
import { useAuth } from '../auth/AuthProvider';
import { deviceLabel } from '../auth/deviceLabel';
import { createPasskey } from '../auth/passkeyCeremonies';
import { CreatePasskeyActions, type RegistrationStage } from '../components/CreatePasskeyActions';
import { ErrorAlert } from '../components/ErrorAlert';
import { OneTimeCodeField } from '../components/OneTimeCodeField';
import { PersonNameField } from '../components/PersonNameField';
import { useI18n } from '../i18n/I18nProvider';
import { createAction } from '../primitives/createAction';
import { isCompleteOneTimeCode } from '../primitives/oneTimeCode';
import { MessagePanel } from '../components/MessagePanel';
import { TextField } from '../components/TextField';

/**
 * First start: the holder of the one-time setup code names the organisation and themselves,
 * creates the first passkey, and is signed in as the system administrator.
 */
export function Setup() {
  const { t } = useI18n();
  const auth = useAuth();
  const navigate = useNavigate();
  const [organisation, setOrganisation] = createSignal('');
  const [name, setName] = createSignal('');
  const [code, setCode] = createSignal('');
  const [stage, setStage] = createSignal<RegistrationStage>();
  const [codeIncomplete, setCodeIncomplete] = createSignal(false);
  // Set on success, so the "already set up" panel does not flash before the redirect.
  const [finished, setFinished] = createSignal(false);
  const alreadyDoneError = (): boolean => submit.error() instanceof ApiError && (submit.error() as ApiError).code === 'setup_already_done';

  const submit = createAction(async () => {
    setStage('checking');
    try {
      const options = await setupOptions({ setupCode: code(), adminName: name().trim(), organisationName: organisation().trim() });
      setStage('passkey');
      const response = await createPasskey(options);
      setStage('verifying');
      await setupVerify(response, deviceLabel(navigator.userAgent));
      setFinished(true);
      await auth.refresh();
      navigate('/', { replace: true });
    } catch (err) {
      // Someone finished setup after this page opened: the rest of the app should know it too.
      if (err instanceof ApiError && err.code === 'setup_already_done') void auth.refresh();
      throw err;
    } finally {
      setStage(undefined);
    }
  });

  const onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    if (!isCompleteOneTimeCode(code())) {
      setCodeIncomplete(true);
      return;
    }
    setCodeIncomplete(false);
    void submit.run();
  };

  return (
    <Show
      when={auth.setupState() !== 'done' || finished() || submit.pending() || alreadyDoneError()}
      fallback={
        <MessagePanel titleId="setup-title" title={t('setup.doneTitle')} body={t('setup.doneBody')}>
          <A href="/signin" class="button button-primary">
            {t('setup.goSignIn')}
          </A>
        </MessagePanel>
      }
    >
      <section class="screen screen-form" aria-labelledby="setup-title">
        <header class="screen-header">
          <h1 id="setup-title">{t('setup.title')}</h1>
          <p class="lead">{t('setup.lead')}</p>
        </header>
        <form class="panel form" onSubmit={onSubmit}>
          <TextField id="setup-organisation" label={t('setup.organisationLabel')} hint={t('setup.organisationHint')} required maxLength={200} autocomplete="organization" value={organisation()} onInput={setOrganisation} disabled={submit.pending()} />
          <PersonNameField id="setup-name" label={t('setup.nameLabel')} hint={t('setup.nameHint')} value={name()} onInput={setName} disabled={submit.pending()} />
          <OneTimeCodeField id="setup-code" label={t('setup.codeLabel')} hint={t('setup.codeHint')} value={code()} onChange={setCode} disabled={submit.pending()} incomplete={codeIncomplete()} />
          <p class="note note-quiet">{t('setup.passkeyNote')}</p>
          <ErrorAlert error={submit.error()} />
          <Show when={alreadyDoneError()}>
            <A href="/signin" class="button button-secondary">
              {t('setup.goSignIn')}
            </A>
          </Show>
          <CreatePasskeyActions label={t('setup.submit')} pending={submit.pending()} stage={stage()} />
        </form>
      </section>
    </Show>
  );
}
