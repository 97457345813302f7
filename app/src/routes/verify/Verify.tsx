import { useSearchParams } from '@solidjs/router';
import { Match, Show, Switch, createEffect, createSignal, onMount } from 'solid-js';
import { Screen } from '../../components/Screen';
import { usePublicVerifyText } from '../../i18n/publicVerifyText';
import { loadTrustedRoots } from '../../verify/caCache';
import { CodeForm } from './CodeForm';
import { createVerifier, type VerifyState } from './createVerifier';
import { PdfDrop } from './PdfDrop';
import { QrScan } from './QrScan';
import { SignatureList } from './SignatureList';
import { VerifyResult } from './VerifyResult';
import './verify.css';

/**
 * `/verify`: public (no sign-in, no organisation set up on this device needed). Whoever holds a
 * stamped document checks it by its code (typed, or `?code=` from the QR), by scanning the QR, or
 * by choosing the PDF (hashed here; its signatures checked here against the organisation CA).
 * The organisation's server answers; offline, a tablet answers from its own copy and says so.
 */
export function Verify() {
  const { t } = usePublicVerifyText();
  const [params] = useSearchParams<{ code?: string }>();
  const verifier = createVerifier();
  let resultHeading: HTMLDivElement | undefined;

  const initial = typeof params.code === 'string' ? params.code : '';
  const [code, setCode] = createSignal(initial);
  // A scanned QR carries a link or a sheet's code: what it read shows in the field, then is checked.
  const scanned = (text: string) => {
    const fromLink = /^https?:\/\//i.test(text) ? (URL.canParse(text) ? new URL(text).searchParams.get('code') : null) : null;
    setCode(fromLink ?? text);
    void verifier.checkText(text);
  };
  onMount(() => {
    if (initial !== '') void verifier.checkText(initial);
    // Keep the organisation CA certificate on this device while online: a tablet checks signatures with it offline later.
    void loadTrustedRoots();
  });
  // Move focus to the answer once it is there (a screen reader reads it; the live region says it too).
  createEffect(() => {
    const type = verifier.state().type;
    if (type !== 'idle' && type !== 'busy') queueMicrotask(() => resultHeading?.focus());
  });

  return (
    <Screen id="public-verify" class="public-verify" title={t('publicVerify.title')} lead={t('publicVerify.lead')}>
      <div class="verify-ways">
        <CodeForm code={code()} setCode={setCode} busy={verifier.state().type === 'busy'} onCode={(text) => void verifier.checkText(text)} />
        <QrScan onCode={scanned} />
        <PdfDrop onFile={(file) => void verifier.checkFile(file)} />
      </div>
      <div class="verify-answer" ref={resultHeading} tabIndex={-1} data-testid="verify-answer">
        <p class="visually-hidden" role="status" aria-live="polite" data-testid="verify-live">
          {summaryOf(verifier.state(), t)}
        </p>
        <Show when={verifier.state().type === 'busy'}>
          <p class="loading">{t('publicVerify.checking')}</p>
        </Show>
        <Answer state={verifier.state()} />
      </div>
    </Screen>
  );
}

type T = ReturnType<typeof usePublicVerifyText>['t'];

/** One sentence for the live region: what the check came to. */
function summaryOf(state: VerifyState, t: T): string {
  switch (state.type) {
    case 'idle':
      return '';
    case 'busy':
      return t('publicVerify.checking');
    case 'invalid':
      return t(`publicVerify.invalid.${state.reason}`);
    case 'failed':
      return t('publicVerify.failed', { message: state.message });
    case 'code':
    case 'pdf':
      return state.outcome.type === 'found' ? t(`publicVerify.resultTitle.${state.outcome.finding.record.kind}`) : refusalOf(state, t);
  }
}

/** The plain sentence for a code or a file that found no record. */
function refusalOf(state: Extract<VerifyState, { type: 'code' | 'pdf' }>, t: T): string {
  const { outcome } = state;
  if (outcome.type === 'no_source') return t('publicVerify.noSource');
  if (state.type === 'pdf' && state.unsigned === true) return t('publicVerify.pdfNotSigned');
  if (state.type === 'pdf') return outcome.type === 'not_held' ? t('publicVerify.pdfNoMatchOffline') : t('publicVerify.pdfNoMatch');
  return outcome.type === 'not_held' ? t('publicVerify.notHeldOffline', { code: state.code }) : t('publicVerify.notFound', { code: state.code });
}

function Answer(props: { state: VerifyState }) {
  const { t } = usePublicVerifyText();
  return (
    <Switch>
      <Match when={props.state.type === 'invalid' || props.state.type === 'failed' ? props.state : undefined}>
        {(state) => <p class="alert alert-error" data-testid="verify-refused">{summaryOf(state(), t)}</p>}
      </Match>
      <Match when={props.state.type === 'code' || props.state.type === 'pdf' ? (props.state) : undefined}>
        {(state) => (
          <>
            <Show
              when={state().outcome.type === 'found' ? (state().outcome as Extract<VerifyState, { type: 'code' }>['outcome'] & { type: 'found' }) : undefined}
              fallback={<p class="alert alert-error verify-no-match" data-testid="verify-refused" data-outcome={state().outcome.type}>{refusalOf(state(), t)}</p>}
            >
              {(found) => (
                <>
                  <Show when={state().type === 'pdf'}>
                    <p class="alert alert-ok" data-testid="pdf-matches">{t('publicVerify.pdfMatches')}</p>
                  </Show>
                  <VerifyResult finding={found().finding} code={state().type === 'code' ? (state() as Extract<VerifyState, { type: 'code' }>).code : undefined} pdfBytes={state().type === 'pdf' ? (state() as Extract<VerifyState, { type: 'pdf' }>).bytes : undefined} />
                </>
              )}
            </Show>
            <Show when={state().type === 'pdf' ? (state() as Extract<VerifyState, { type: 'pdf' }>) : undefined}>
              {(pdf) => <SignatureList pdf={pdf().pdf} roots={pdf().roots} />}
            </Show>
          </>
        )}
      </Match>
    </Switch>
  );
}
