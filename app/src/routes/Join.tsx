import { useNavigate, useSearchParams } from '@solidjs/router';
import { Show, createSignal, onMount } from 'solid-js';
import { checkInvitation, registerOptions, registerVerify } from '../api/invitations';
import type { InvitationPreview } from '@seal/shared';
import { useAuth } from '../auth/AuthProvider';
import { deviceLabel } from '../auth/deviceLabel';
import { createPasskey } from '../auth/passkeyCeremonies';
import { CreatePasskeyActions, type RegistrationStage } from '../components/CreatePasskeyActions';
import { ErrorAlert } from '../components/ErrorAlert';
import { OneTimeCodeField } from '../components/OneTimeCodeField';
import { PersonNameField } from '../components/PersonNameField';
import { Progress } from '../components/Progress';
import { RoleList } from '../components/RoleList';
import { formatDateTime } from '../i18n/format';
import { useI18n } from '../i18n/I18nProvider';
import { createAction } from '../primitives/createAction';
import { formatOneTimeCode, isCompleteOneTimeCode } from '../primitives/oneTimeCode';

/**
 * Joining with an invitation (`/join?code=…` from the link, or the code typed in): shows what the
 * invitation is for, then the invitee names themselves and creates their first passkey.
 */
export function Join() {
  const { t, locale } = useI18n();
  const auth = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams<{ code?: string }>();
  const [code, setCode] = createSignal(formatOneTimeCode(typeof params.code === 'string' ? params.code : ''));
  const [codeIncomplete, setCodeIncomplete] = createSignal(false);
  const [preview, setPreview] = createSignal<InvitationPreview>();
  const [name, setName] = createSignal('');
  const [stage, setStage] = createSignal<RegistrationStage>();

  const check = createAction(async () => {
    setPreview(await checkInvitation(code()));
  });

  const register = createAction(async () => {
    setStage('checking');
    try {
      const options = await registerOptions(code(), name().trim());
      setStage('passkey');
      const response = await createPasskey(options);
      setStage('verifying');
      await registerVerify(response, deviceLabel(navigator.userAgent));
      await auth.refresh();
      navigate('/', { replace: true });
    } finally {
      setStage(undefined);
    }
  });

  onMount(() => {
    if (isCompleteOneTimeCode(code())) void check.run();
  });

  const onCheck = (event: SubmitEvent): void => {
    event.preventDefault();
    setCodeIncomplete(!isCompleteOneTimeCode(code()));
    if (!codeIncomplete()) void check.run();
  };
  const onRegister = (event: SubmitEvent): void => {
    event.preventDefault();
    void register.run();
  };
  const otherCode = (): void => {
    setPreview(undefined);
    setCode('');
    register.clearError();
  };

  return (
    <section class="screen screen-form" aria-labelledby="join-title">
      <header class="screen-header">
        <h1 id="join-title">{t('join.title')}</h1>
        <Show when={!preview()}>
          <p class="lead">{t('join.lead')}</p>
        </Show>
      </header>
      <Show when={auth.session()}>{(session) => <p class="note">{t('join.signedInNote', { name: session().user.name })}</p>}</Show>
      <Show
        when={preview()}
        fallback={
          <form class="panel form" onSubmit={onCheck}>
            <OneTimeCodeField id="join-code" label={t('join.codeLabel')} hint={t('join.codeHint')} value={code()} onChange={setCode} disabled={check.pending()} incomplete={codeIncomplete()} />
            <ErrorAlert error={check.error()} />
            <div class="form-actions">
              <button type="submit" class="button button-primary button-large" disabled={check.pending()}>
                {t('join.check')}
              </button>
            </div>
            <Progress message={check.pending() ? t('ceremony.checking') : undefined} />
          </form>
        }
      >
        {(invitation) => (
          <form class="panel form" onSubmit={onRegister}>
            <div class="invitation-card" data-testid="invitation-preview">
              <p class="invitation-for">{t('join.invitedTo')}</p>
              <p class="invitation-unit">{invitation().unit.name}</p>
              {/* Where the unit sits: "集团总部 › 华东分公司 › 杭州项目部", so a site's invitee knows which site. */}
              <p class="invitation-path" data-testid="invitation-path">
                <span class="invitation-kind">{t(`unitKinds.${invitation().unit.kind}`)}</span>
                <span>{invitation().unit.path.join(' › ')}</span>
              </p>
              <RoleList grants={invitation().roles.map((role) => ({ role, unitId: invitation().unit.id }))} label={t('join.rolesLabel')} />
              <p class="muted small">{t('join.validUntil', { date: formatDateTime(invitation().expiresAt, locale()) })}</p>
              <p class="code-echo">{code()}</p>
            </div>
            <PersonNameField id="join-name" label={t('join.nameLabel')} hint={t('join.nameHint')} value={name()} onInput={setName} disabled={register.pending()} />
            <ErrorAlert error={register.error()} />
            <CreatePasskeyActions label={t('join.submit')} pending={register.pending()} stage={stage()}>
              <button type="button" class="button button-secondary" onClick={otherCode} disabled={register.pending()}>
                {t('join.otherCode')}
              </button>
            </CreatePasskeyActions>
          </form>
        )}
      </Show>
    </section>
  );
}
