import type { ElectronicGrant, Grant } from '@seal/shared';
import { A } from '@solidjs/router';
import { For, Show, createSignal } from 'solid-js';
import { useI18n } from '../../i18n/I18nProvider';
import { parseGrantFile } from './grantFile';
import type { StampNames } from './stampNames';

/** The grant chosen for stamping, the grants this person holds here, and a file import as the other way in. */
export function GrantCard(props: {
  holderId: string;
  grant: Grant | undefined;
  grants: readonly Grant[];
  usesRecorded: number;
  /** Another grant may be chosen only while no device is linked. */
  canChoose: boolean;
  names: StampNames;
  onChoose: (grant: Grant) => void;
  /** An electronic seal's grant imported from a file. */
  onElectronic: (grant: ElectronicGrant) => void;
}) {
  const { t } = useI18n();
  const [fileError, setFileError] = createSignal<string>();
  const window = (g: Grant): string => `${props.names.date(g.window.notBefore)} – ${props.names.date(g.window.notAfter)}`;

  async function importFile(file: File | undefined): Promise<void> {
    setFileError(undefined);
    if (file === undefined) return;
    const result = parseGrantFile(await file.text().catch(() => ''), props.holderId);
    if (result.ok) return 'form' in result.grant ? props.onElectronic(result.grant) : props.onChoose(result.grant);
    const problem = result.problem;
    setFileError(problem.code === 'not_json' ? t('stamp.fileNotJson') : problem.code === 'not_grant' ? t('stamp.fileNotGrant', { detail: problem.detail }) : t('stamp.notYourGrant'));
  }

  return (
    <div class="card" data-testid="grant-card">
      <h2>{t('stamp.grantTitle')}</h2>
      {/* Asked to choose only when there is something to choose from (else the list below says why not). */}
      <Show when={props.grant} fallback={<Show when={props.grants.length > 0}><p class="muted">{t('stamp.noGrant')}</p></Show>}>
        {(g) => (
          <dl class="stamp-facts" data-testid="grant">
            <dt>{t('stamp.request')}</dt>
            <dd>{props.names.requestTitle(g().requestId)}</dd>
            <dt>{t('stamp.seal')}</dt>
            <dd>{props.names.sealName(g().sealId)}</dd>
            <dt>{t('stamp.uses')}</dt>
            <dd>{g().uses}</dd>
            <dt>{t('stamp.window')}</dt>
            <dd>{window(g())}</dd>
            <dt>{t('stamp.usesRecorded')}</dt>
            <dd data-testid="uses-recorded">{props.usesRecorded}</dd>
          </dl>
        )}
      </Show>
      <h3>{t('stamp.myGrants')}</h3>
      <Show
        when={props.grants.length > 0}
        fallback={
          <p class="muted" data-testid="no-grants-held">
            {t('stamp.noGrantsHeld')} <A href="/requests/new">{t('requests.newRequest')}</A>
          </p>
        }
      >
        <ul class="grant-list" data-testid="my-grants">
          <For each={props.grants}>
            {(g) => (
              <li data-grant-id={g.id} data-request-id={g.requestId}>
                <span>
                  <strong>{props.names.requestTitle(g.requestId)}</strong> · {props.names.sealName(g.sealId)} · {t('stamp.uses')} {g.uses}
                </span>
                <span class="muted">{window(g)}</span>
                <Show when={props.grant?.id !== g.id} fallback={<span class="grant-in-use">{t('stamp.grantInUse')}</span>}>
                  <button type="button" class="button button-secondary" disabled={!props.canChoose} onClick={() => props.onChoose(g)}>
                    {t('stamp.useGrant')}
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <label class="button button-secondary" for="grant-file">
        {t('stamp.importGrant')}
      </label>
      <input id="grant-file" class="visually-hidden" type="file" accept="application/json,.json" aria-label={t('stamp.importGrant')} onChange={(e) => void importFile(e.currentTarget.files?.[0])} />
      <Show when={fileError()}>
        <p class="alert alert-error" role="alert" data-error-code="grant_file_invalid">
          {fileError()}
        </p>
      </Show>
    </div>
  );
}
