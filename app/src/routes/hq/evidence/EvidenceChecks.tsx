import { For, Show, type JSX } from 'solid-js';
import type { EvidenceCheck, EvidenceReport } from '@seal/shared';
import { checkKey, checkVerdict, failedCodes, verdictOf, type Verdict } from '../../../hq/evidence/evidenceView';
import { useI18n, type Translate } from '../../../i18n/I18nProvider';

const MARK: Record<Verdict, string> = { ok: '✓', warning: '!', failed: '✗', none: '–' };

type CheckText = 'title' | 'ok' | 'fail' | 'warn';

/** A check's words in the current language (its code when this app does not know it). */
export function checkText(t: Translate, code: string, part: CheckText): string {
  const text = t(`evidence.checks.${checkKey(code)}.${part}` as 'evidence.checks.log_chain.title');
  return typeof text === 'string' && text !== '' ? text : part === 'title' ? code : '';
}

/** The ✓ / ! / ✗ mark of a verdict, with its word for screen readers and for the eye. */
export function VerdictMark(props: { verdict: Verdict }) {
  const { t } = useI18n();
  const word = () => (props.verdict === 'failed' ? t('evidence.resultFailed') : props.verdict === 'warning' ? t('evidence.resultWarning') : t('evidence.resultOk'));
  return (
    <span class={`verdict-mark verdict-${props.verdict}`} title={word()}>
      <span aria-hidden="true">{MARK[props.verdict]}</span>
      <span class="verdict-word">{word()}</span>
    </span>
  );
}

/** One check: its mark, what it checked, what that means in words, and the verifier's own finding (folded). */
export function CheckRow(props: { check: EvidenceCheck }) {
  const { t } = useI18n();
  const verdict = () => checkVerdict(props.check);
  const sentence = () => checkText(t, props.check.check, verdict() === 'failed' ? 'fail' : verdict() === 'warning' ? 'warn' : 'ok');
  return (
    <li class={`check check-${verdict()}`} data-testid="evidence-check" data-check={props.check.check} data-verdict={verdict()}>
      <VerdictMark verdict={verdict()} />
      <div class="check-body">
        <strong class="check-title">{checkText(t, props.check.check, 'title')}</strong>
        <Show when={sentence()}>
          <p class="check-sentence">{sentence()}</p>
        </Show>
        {/* The verifier's own finding (ids, times in UTC, in English): folded, for whoever must look deeper. */}
        <details class="check-detail">
          <summary class="muted">{t('evidence.technical')}</summary>
          <p lang="en">{props.check.detail}</p>
        </details>
      </div>
    </li>
  );
}

export function CheckList(props: { checks: readonly EvidenceCheck[] }) {
  return (
    <ul class="check-list">
      <For each={props.checks}>{(check) => <CheckRow check={check} />}</For>
    </ul>
  );
}

/** The whole report in one line: all hold, or how many failed and which (named in words). */
export function ReportSummary(props: { report: EvidenceReport; valid?: string; invalid?: string }) {
  const { t } = useI18n();
  const failed = () => failedCodes(props.report);
  const warnings = () => props.report.checks.filter((c) => c.ok && c.warning === true).length;
  const count = () => String(props.report.checks.length);
  return (
    <div class="report-summary" classList={{ 'is-valid': props.report.valid, 'is-invalid': !props.report.valid }} data-testid="evidence-verdict" data-valid={String(props.report.valid)} role="status">
      <VerdictMark verdict={props.report.valid ? 'ok' : 'failed'} />
      <div>
        <strong>
          {props.report.valid
            ? (props.valid ?? t('evidence.verdictValid', { count: count() }))
            : (props.invalid ?? t('evidence.verdictInvalid', { count: count(), failed: String(props.report.checks.filter((c) => !c.ok).length) }))}
        </strong>
        <Show when={warnings() > 0}>
          <span class="muted"> · {t('evidence.verdictWarnings', { count: String(warnings()) })}</span>
        </Show>
        <Show when={failed().length > 0}>
          <p class="report-failed" data-testid="failed-checks">
            {t('evidence.failedList', { list: failed().map((code) => checkText(t, code, 'title')).join('、') })}
          </p>
        </Show>
      </div>
    </div>
  );
}

/** A piece of evidence: its title with the verdict of its checks (or the one given, when they are shown inside), what it holds, then the checks. */
export function EvidencePanel(props: { id: string; title: string; checks: readonly EvidenceCheck[]; verdict?: Verdict; children?: JSX.Element }) {
  const verdict = () => props.verdict ?? verdictOf(props.checks);
  return (
    <section class="panel evidence-panel" aria-labelledby={`${props.id}-title`} data-testid={`evidence-${props.id}`} data-verdict={verdict()}>
      <h2 id={`${props.id}-title`}>
        <VerdictMark verdict={verdict()} /> {props.title}
      </h2>
      {props.children}
      <Show when={props.checks.length > 0}>
        <CheckList checks={props.checks} />
      </Show>
    </section>
  );
}
