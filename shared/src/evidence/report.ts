/** One check of a bundle: what was checked, about what, whether it held, and what was found. */
export interface EvidenceCheck {
  /** A stable code, e.g. `log.chain`, `stamp.photo`, `decision.assertion`. */
  readonly check: string;
  /** What it is about, e.g. `stamp dev-1:12`, `decision 3f…`, `roster v4`; `bundle` for the whole. */
  readonly subject: string;
  readonly ok: boolean;
  /** What was found, in words (the reason when it failed). */
  readonly detail: string;
  /** True for a finding that does not fail the bundle but must be seen (revoked since, clock not set). */
  readonly warning?: boolean;
}

/** What `verifyBundle` concludes: every check, and whether all held. */
export interface EvidenceReport {
  readonly valid: boolean;
  readonly kind: 'stamp' | 'request' | null;
  readonly checks: readonly EvidenceCheck[];
}

/** Collects checks in the order they run. */
export class CheckList {
  readonly checks: EvidenceCheck[] = [];

  add(check: string, subject: string, ok: boolean, detail: string, warning = false): boolean {
    this.checks.push({ check, subject, ok, detail, ...(warning ? { warning: true } : {}) });
    return ok;
  }

  pass(check: string, subject: string, detail: string): true {
    this.add(check, subject, true, detail);
    return true;
  }

  fail(check: string, subject: string, detail: string): false {
    this.add(check, subject, false, detail);
    return false;
  }

  warn(check: string, subject: string, detail: string): void {
    this.add(check, subject, true, detail, true);
  }
}

/** A report as lines of text: `PASS|WARN|FAIL  check  subject: detail`, then the verdict. */
export function formatEvidenceReport(report: EvidenceReport): string {
  const lines = report.checks.map((c) => `${c.ok ? (c.warning ? 'WARN' : 'PASS') : 'FAIL'}  ${c.check.padEnd(22)} ${c.subject}: ${c.detail}`);
  const failed = report.checks.filter((c) => !c.ok);
  lines.push(report.valid ? `VALID: all ${report.checks.length} checks hold` : `INVALID: ${failed.length} of ${report.checks.length} checks failed (${[...new Set(failed.map((c) => c.check))].join(', ')})`);
  return lines.join('\n');
}
