import { For, Show } from 'solid-js';
import type { TrustedRoots } from '../../verify/caCache';
import type { PdfFinding } from '../../verify/pdfCheck';
import { colon, formatDateTime } from '../../i18n/format';
import { usePublicVerifyText } from '../../i18n/publicVerifyText';

/** The file's own evidence: its fingerprint and each digital signature, checked in this browser. */
export function SignatureList(props: { pdf: PdfFinding; roots: TrustedRoots }) {
  const { t, locale } = usePublicVerifyText();
  const when = (iso: string | undefined) => (iso === undefined ? '—' : formatDateTime(Date.parse(iso), locale()));
  return (
    <section class="panel verify-signatures" aria-labelledby="verify-signatures-title" data-testid="pdf-signatures">
      <h2 id="verify-signatures-title">{t('publicVerify.signatures')}</h2>
      <p class="muted verify-hash">
        {props.pdf.fileName} · {t('publicVerify.fingerprint')}{colon(locale())}<code data-testid="pdf-sha256">{props.pdf.sha256}</code>
      </p>
      <Show when={props.pdf.signatures} fallback={<p class="alert alert-error">{t('publicVerify.notAPdf')}</p>}>
        {(signatures) => (
          <Show when={signatures().length > 0} fallback={<p class="muted">{t('publicVerify.noSignatures')}</p>}>
            <ul class="verify-signature-list">
              <For each={signatures()}>
                {(s) => (
                  <li data-testid="pdf-signature" data-intact={String(s.intact)} data-chained={String(s.chained)}>
                    <strong>{s.countersigner ? t('publicVerify.signatureOrg') : t('publicVerify.signatureSeal')}</strong>
                    <span class="muted"> · {t('publicVerify.signedAt', { at: when(s.signedAt) })}</span>
                    <ul class="verify-checks">
                      <li classList={{ ok: s.intact, bad: !s.intact }}>{s.intact ? `✓ ${t('publicVerify.intact')}` : `✗ ${t('publicVerify.notIntact')}`}</li>
                      <li classList={{ ok: s.chained, bad: !s.chained }}>{s.chained ? `✓ ${t('publicVerify.chained')}` : `✗ ${t('publicVerify.notChained')}`}</li>
                    </ul>
                  </li>
                )}
              </For>
            </ul>
            <Show when={signatures().some((s) => !s.countersigner)}>
              <p classList={{ 'verify-countersign': true, ok: props.pdf.countersigned }} data-testid="pdf-countersigned" data-countersigned={String(props.pdf.countersigned)}>
                {props.pdf.countersigned ? t('publicVerify.countersigned') : t('publicVerify.awaitingCountersign')}
              </p>
            </Show>
          </Show>
        )}
      </Show>
      <p class="muted" data-testid="ca-source">
        {props.roots.source === 'device'
          ? t('publicVerify.caSource.device', { at: props.roots.fetchedAt === null ? '—' : formatDateTime(props.roots.fetchedAt, locale()) })
          : t(`publicVerify.caSource.${props.roots.source}`)}
      </p>
    </section>
  );
}
