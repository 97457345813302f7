import { For, Show, createSignal } from 'solid-js';
import type { VerifiedRecord } from '@seal/shared';
import { SealImage } from '../../components/SealImage';
import type { StampFinding } from '../../verify/finding';
import { printAntiCounterfeitCopy } from '../../verify/printDownload';
import { formatDateTime } from '../../i18n/format';
import { publicVerifyEn } from '../../i18n/publicVerify.en';
import { usePublicVerifyText } from '../../i18n/publicVerifyText';
import { StampPhoto } from './StampPhoto';

type Electronic = Extract<VerifiedRecord, { kind: 'electronic' }>;
type Physical = Extract<VerifiedRecord, { kind: 'physical' }>;

/** The title's key: genuine and confirmed, signed offline and awaiting confirmation, or not authorised. */
function verdictOf(record: VerifiedRecord): 'electronic' | 'awaiting' | 'unauthorised' | 'physical' {
  if (record.kind === 'physical') return 'physical';
  if (record.countersignature.status === 'awaiting') return 'awaiting';
  return record.impression.authorised ? 'electronic' : 'unauthorised';
}

/** What the record says: the seal, the organisation, the document, the approvals, the time, and where the answer came from. */
export function VerifyResult(props: { finding: StampFinding; code?: string | undefined; pdfBytes?: Uint8Array | undefined }) {
  const { t, locale } = usePublicVerifyText();
  const record = () => props.finding.record;
  const when = (iso: string | null) => (iso === null ? '—' : formatDateTime(Date.parse(iso), locale()));
  const stampedAt = () => {
    const r = record();
    if (r.kind === 'electronic') return r.impression.claimedAt;
    return r.stamps.map((s) => s.at).sort()[0] ?? null;
  };
  return (
    <article class="panel verify-result" data-testid="verify-result" data-kind={record().kind} data-verdict={verdictOf(record())} data-source={props.finding.source.from} aria-labelledby="verify-result-title">
      <h2 id="verify-result-title" classList={{ 'verify-verdict': true, bad: verdictOf(record()) === 'unauthorised' }}>{t(`publicVerify.resultTitle.${verdictOf(record())}`)}</h2>
      <div class="verify-result-body">
        <SealImage seal={{ kind: record().seal.kind, name: record().seal.name, antiCounterfeitCode: record().seal.code ?? undefined }} unitName={record().seal.organisationName} size="8rem" />
        <dl class="verify-facts">
          <dt>{t('publicVerify.organisation')}</dt>
          <dd data-testid="verify-organisation">{record().organisation.name}</dd>
          <dt>{t('publicVerify.document')}</dt>
          <dd data-testid="verify-title">{record().request.title}</dd>
          <dt>{t('publicVerify.seal')}</dt>
          <dd>{record().seal.name}</dd>
          <dt>{t('publicVerify.stampedAt')}</dt>
          <dd data-testid="verify-stamped-at">{stampedAt() === null ? t('publicVerify.notStampedYet') : when(stampedAt())}</dd>
        </dl>
      </div>
      <Show when={record().kind === 'electronic' ? (record() as Electronic) : undefined}>{(r) => <ElectronicParts record={r()} />}</Show>
      <h3>{t('publicVerify.approvals')}</h3>
      <Show when={record().approvals.length > 0} fallback={<p class="muted">{t('publicVerify.noApprovals')}</p>}>
        <ul class="verify-approvals" data-testid="verify-approvals">
          <For each={record().approvals}>
            {(a) => (
              <li classList={{ ok: a.verified, bad: !a.verified }} data-verified={String(a.verified)}>
                {a.verified ? '✓ ' : '✗ '}<strong>{a.approverName}</strong>{' '}
                {a.verified ? t('publicVerify.approvalVerified', { at: when(a.at) }) : t('publicVerify.approvalUnverified', { at: when(a.at) })}
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={record().kind === 'physical' ? (record() as Physical) : undefined}>{(r) => <PhysicalParts record={r()} photoUrl={props.finding.source.from === 'server' && props.code !== undefined ? photoUrlOf(props.code) : undefined} />}</Show>
      <p class="muted verify-source" data-testid="verify-source">
        {props.finding.source.from === 'server'
          ? t('publicVerify.source.server', { at: props.finding.source.at === null ? '—' : formatDateTime(props.finding.source.at, locale()) })
          : props.finding.source.at === null
            ? t('publicVerify.source.deviceNever')
            : t('publicVerify.source.device', { at: formatDateTime(props.finding.source.at, locale()) })}
      </p>
      <Show when={record().kind === 'electronic' && props.pdfBytes !== undefined}>
        <PrintButton bytes={props.pdfBytes!} code={(record() as Electronic).impression.verificationCode} organisation={record().organisation.name} />
      </Show>
    </article>
  );
}

function ElectronicParts(props: { record: Electronic }) {
  const { t } = usePublicVerifyText();
  const r = () => props.record;
  return (
    <>
      <p classList={{ 'verify-countersign': true, ok: r().countersignature.status === 'present' }} data-testid="verify-countersign" data-status={r().countersignature.status}>
        {r().countersignature.status === 'present' ? t('publicVerify.countersigned') : t('publicVerify.awaitingCountersign')}
      </p>
      <Show when={!r().impression.authorised}>
        <p class="alert alert-error">{t('publicVerify.unauthorisedBecause', { problems: r().impression.problems.join(', ') })}</p>
      </Show>
      <dl class="verify-facts">
        <dt>{t('publicVerify.holder')}</dt>
        <dd>{r().impression.holderName}</dd>
        <dt>{t('publicVerify.pages')}</dt>
        <dd>{r().impression.pages.join(', ')}</dd>
      </dl>
      <p class="muted">{t('publicVerify.certificate', { status: t(`publicVerify.certificateStatus.${r().certificate.status}`) })}</p>
    </>
  );
}

/** Where the organisation's server serves a stamp's photo to whoever holds the process sheet's code. */
const photoUrlOf = (code: string) => (sha256: string): string => `/api/verify/${encodeURIComponent(code)}/photos/${sha256}`;

/** The request states the page has words for (a newer server may answer another: shown as it is). */
const REQUEST_STATES = publicVerifyEn.requestStates;
/** Request states a stranger is warned about: the stamp was never approved. */
const UNAPPROVED = new Set(['pending', 'rejected']);

function PhysicalParts(props: { record: Physical; photoUrl: ((sha256: string) => string) | undefined }) {
  const { t, locale } = usePublicVerifyText();
  const state = () => props.record.request.status;
  const known = () => (Object.hasOwn(REQUEST_STATES, state()) ? (state() as keyof typeof REQUEST_STATES) : undefined);
  return (
    <>
      <dl class="verify-facts">
        <dt>{t('publicVerify.requestState')}</dt>
        <dd classList={{ bad: UNAPPROVED.has(state()) }} data-testid="verify-request-status" data-status={state()}>
          {known() === undefined ? state() : t(`publicVerify.requestStates.${known()!}`, { uses: String(props.record.request.usesApproved) })}
        </dd>
      </dl>
      <h3>{t('publicVerify.deviceLog')}</h3>
      <Show when={props.record.stamps.length > 0} fallback={<p class="muted">{t('publicVerify.notStampedYet')}</p>}>
        <ol class="verify-stamps" data-testid="verify-stamps">
          <For each={props.record.stamps}>
            {(s, i) => (
              <li classList={{ ok: s.authorised, bad: !s.authorised }}>
                {t('publicVerify.deviceEntry', { ordinal: String(i() + 1), device: s.deviceId, seq: String(s.seq), at: formatDateTime(Date.parse(s.at), locale()) })}
                {' · '}{s.authorised ? t('publicVerify.authorised') : t('publicVerify.unauthorised')}
                <Show when={s.photoSha256}>
                  {(sha) => (
                    <div class="verify-photo">
                      <Show when={s.photoHeld && props.photoUrl !== undefined}>
                        <StampPhoto url={props.photoUrl!(sha())} sha256={sha()} ordinal={i() + 1} />
                      </Show>
                      <div class="muted verify-hash">{t('publicVerify.stampPhoto', { sha: sha().slice(0, 16) })}</div>
                    </div>
                  )}
                </Show>
              </li>
            )}
          </For>
        </ol>
      </Show>
    </>
  );
}

function PrintButton(props: { bytes: Uint8Array; code: string; organisation: string }) {
  const { t } = usePublicVerifyText();
  const [busy, setBusy] = createSignal(false);
  const [problem, setProblem] = createSignal<string>();
  const print = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      await printAntiCounterfeitCopy(props.bytes, props.code, props.organisation);
    } catch (error) {
      setProblem(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="verify-print">
      <button type="button" class="button button-primary" disabled={busy()} data-testid="print-copy" onClick={() => void print()}>
        {busy() ? t('publicVerify.printing') : t('publicVerify.print')}
      </button>
      <p class="muted">{t('publicVerify.printHint')}</p>
      <Show when={problem()}>{(m) => <p class="alert alert-error" role="alert">{t('publicVerify.printFailed', { message: m() })}</p>}</Show>
    </div>
  );
}
