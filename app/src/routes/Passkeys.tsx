import { For, Show, createSignal } from 'solid-js';
import { addPasskeyOptions, addPasskeyVerify, fetchPasskeys, revokePasskey } from '../api/passkeys';
import type { CredentialView as Credential, SessionView as Session } from '@seal/shared';
import { useAuth } from '../auth/AuthProvider';
import { IdentityNotConfirmed, withConfirmedIdentity } from '../auth/confirmIdentity';
import { createPasskey } from '../auth/passkeyCeremonies';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorAlert } from '../components/ErrorAlert';
import { Progress } from '../components/Progress';
import { RequireSession } from '../components/RequireSession';
import { formatDateTime } from '../i18n/format';
import { useI18n } from '../i18n/I18nProvider';
import { createAction } from '../primitives/createAction';
import { createLoad } from '../primitives/createLoad';
import { Screen } from '../components/Screen';
import { FormSubmit } from '../components/FormSubmit';
import { TextField } from '../components/TextField';

/** One passkey: its label, when it was made and last used (or revoked), and the way to revoke it. */
function PasskeyCard(props: { credential: Credential; current: boolean; onRevoke: () => void }) {
  const { t, locale } = useI18n();
  const date = (ms: number): string => formatDateTime(ms, locale());
  return (
    <li class="card passkey" classList={{ 'is-revoked': props.credential.revokedAt !== undefined }} data-credential-id={props.credential.id}>
      <div class="card-body">
        <p class="card-title">
          <span class="passkey-icon" aria-hidden="true" />
          <span class="passkey-label">{props.credential.label}</span>
          <Show when={props.current && props.credential.revokedAt === undefined}>
            <span class="badge badge-ok">{t('passkeys.current')}</span>
          </Show>
        </p>
        <p class="card-meta">
          <span>{t('passkeys.created', { date: date(props.credential.createdAt) })}</span>
          <Show when={props.credential.revokedAt} fallback={<span>{props.credential.lastUsedAt === undefined ? t('passkeys.neverUsed') : t('passkeys.lastUsed', { date: date(props.credential.lastUsedAt) })}</span>}>
            {(revokedAt) => <span class="text-danger">{t('passkeys.revokedOn', { date: date(revokedAt()) })}</span>}
          </Show>
        </p>
      </div>
      <Show when={props.credential.revokedAt === undefined}>
        <button
          type="button"
          class="button button-secondary button-danger-text"
          onClick={() => props.onRevoke()}
        >
          {t('passkeys.revoke')}
        </button>
      </Show>
    </li>
  );
}

/** The signed-in user's passkeys: list, add another, revoke one. */
export function Passkeys() {
  return <RequireSession>{(session) => <PasskeyManager session={session} />}</RequireSession>;
}

function PasskeyManager(props: { session: Session }) {
  const { t } = useI18n();
  const auth = useAuth();
  const passkeys = createLoad(fetchPasskeys);
  // Empty on purpose: the new passkey is usually on ANOTHER device, which only the person can name.
  const [label, setLabel] = createSignal('');
  const [adding, setAdding] = createSignal<'confirming' | 'passkey' | 'verifying'>();
  const [notice, setNotice] = createSignal<string>();
  const [toRevoke, setToRevoke] = createSignal<Credential>();

  /** Runs a passkey change; an old sign-in is confirmed first with a passkey (`withConfirmedIdentity`). */
  const confirming = async <T,>(action: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await withConfirmedIdentity(props.session.user.id, action, () => setAdding('confirming'));
    } catch (error) {
      if (!(error instanceof IdentityNotConfirmed)) throw error;
      // Someone else's passkey answered: the session is theirs now; nothing was changed.
      setNotice(t('passkeys.otherPerson'));
      await auth.refresh();
      return undefined;
    }
  };

  const add = createAction(async () => {
    setNotice(undefined);
    try {
      const options = await confirming(addPasskeyOptions);
      if (options === undefined) return;
      setAdding('passkey');
      const response = await createPasskey(options);
      setAdding('verifying');
      const credential = await addPasskeyVerify(response, label().trim());
      setNotice(t('passkeys.added', { label: credential.label }));
      await passkeys.reload();
    } finally {
      setAdding(undefined);
    }
  });

  const revoke = createAction(async (credential: Credential) => {
    const revoked = await confirming(() => revokePasskey(credential.id)).finally(() => setAdding(undefined));
    setToRevoke(undefined);
    if (revoked === undefined) return;
    setNotice(t('passkeys.revoked', { label: credential.label }));
    // Revoking the passkey of this session ends the session on the server.
    if (credential.id === props.session.credentialId) await auth.refresh();
    else await passkeys.reload();
  });

  const sorted = (): Credential[] =>
    [...(passkeys.data() ?? [])].sort((a, b) => Number(a.revokedAt !== undefined) - Number(b.revokedAt !== undefined) || a.createdAt - b.createdAt);
  const activeCount = (): number => (passkeys.data() ?? []).filter((c) => c.revokedAt === undefined).length;

  return (
    <Screen id="passkeys" title={t('passkeys.title')} lead={t('passkeys.lead')} notice={notice()}>
      <div class="columns">
        <div class="column-main">
          <ErrorAlert error={passkeys.error()} />
          <Show when={passkeys.data()} fallback={<Show when={passkeys.loading()}><p class="loading">{t('common.loading')}</p></Show>}>
            <ul class="card-list" aria-label={t('passkeys.listLabel')}>
              <For each={sorted()}>
                {(credential) => (
                  <PasskeyCard
                    credential={credential}
                    current={credential.id === props.session.credentialId}
                    onRevoke={() => {
                      revoke.clearError();
                      setToRevoke(credential);
                    }}
                  />
                )}
              </For>
            </ul>
            <Show when={activeCount() === 1}>
              <p class="note note-quiet">{t('passkeys.onlyOne')}</p>
            </Show>
          </Show>
        </div>
        <form
          class="panel form column-side"
          aria-labelledby="add-passkey-title"
          onSubmit={(event) => {
            event.preventDefault();
            void add.run();
          }}
        >
          <h2 id="add-passkey-title">{t('passkeys.addTitle')}</h2>
          <p class="muted">{t('passkeys.addLead')}</p>
          <TextField id="passkey-label" label={t('passkeys.labelLabel')} hint={t('passkeys.labelHint')} required maxLength={100} value={label()} onInput={setLabel} disabled={add.pending()} />
          <FormSubmit label={t('passkeys.add')} disabled={add.pending()} error={add.error()} />
          <Progress message={adding() === 'confirming' ? t('passkeys.confirming') : adding() === 'passkey' ? t('ceremony.creatingPasskey') : adding() === 'verifying' ? t('ceremony.verifying') : undefined} />
        </form>
      </div>
      <ConfirmDialog
        open={toRevoke() !== undefined}
        title={t('passkeys.revokeTitle', { label: toRevoke()?.label ?? '' })}
        confirmLabel={t('passkeys.revokeConfirm')}
        pending={revoke.pending()}
        error={revoke.error()}
        onConfirm={() => {
          const credential = toRevoke();
          if (credential) void revoke.run(credential);
        }}
        onCancel={() => {
          setToRevoke(undefined);
          revoke.clearError();
        }}
      >
        <p>{t('passkeys.revokeBody')}</p>
        <Show when={toRevoke()?.id === props.session.credentialId}>
          <p class="muted">{t('passkeys.revokeCurrent')}</p>
        </Show>
      </ConfirmDialog>
    </Screen>
  );
}
