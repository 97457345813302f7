import type { EvidenceBundle, EvidenceCheck, EvidenceReport } from '@seal/shared';

/** The pieces of evidence a stamp is shown as, in the order an auditor reads them. */
export const EVIDENCE_SECTIONS = ['photo', 'device', 'grant', 'request', 'approvals', 'place', 'clock', 'organisation'] as const;
export type EvidenceSection = (typeof EVIDENCE_SECTIONS)[number];

/** Which piece each check of `verifyBundle` is about (a check this app does not know goes with the organisation's). */
const SECTION_OF: Record<string, EvidenceSection> = {
  'stamp.photo': 'photo',
  'log.chain': 'device',
  'log.extent': 'device',
  'stamp.entry': 'device',
  'binding.signature': 'device',
  'records.seal': 'device',
  'stamp.grant': 'grant',
  'stamp.device_roster': 'grant',
  'grant.content': 'grant',
  'grant.terms': 'grant',
  'grant.approvals': 'grant',
  'records.request': 'request',
  'records.stamps': 'request',
  'decision.roster': 'approvals',
  'decision.assertion': 'approvals',
  'decision.revoked_since': 'approvals',
  'stamp.place': 'place',
  'stamp.clock': 'clock',
  'time_record.signature': 'clock',
  'org_key.trusted': 'organisation',
  'bundle.attestation': 'organisation',
  'roster.signature': 'organisation',
  'bundle.format': 'organisation',
};

export const sectionOf = (check: EvidenceCheck): EvidenceSection => SECTION_OF[check.check] ?? 'organisation';

/** How a check (or a group of them) came out: a failure wins over a warning, a warning over a pass. */
export type Verdict = 'ok' | 'warning' | 'failed' | 'none';

export function verdictOf(checks: readonly EvidenceCheck[]): Verdict {
  if (checks.length === 0) return 'none';
  if (checks.some((c) => !c.ok)) return 'failed';
  return checks.some((c) => c.warning === true) ? 'warning' : 'ok';
}

export const checkVerdict = (check: EvidenceCheck): Verdict => (!check.ok ? 'failed' : check.warning === true ? 'warning' : 'ok');

/** The subject `verifyBundle` gives a stamp's checks. */
export const stampSubject = (bundle: Pick<EvidenceBundle, 'device'>, seq: number): string => `stamp ${bundle.device.id}:${seq}`;

/** The subject prefix of a decision's checks (`decision 3f2a…12… by user`). */
const decisionSubject = (decisionId: string): string => `decision ${decisionId.slice(0, 12)}`;

/**
 * The checks of one section. Stamp checks (`stamp.*`) are kept to the stamp given (a request's
 * bundle holds several); with no stamp given, every stamp's are kept.
 */
export function checksIn(report: EvidenceReport, section: EvidenceSection, stamp?: string): EvidenceCheck[] {
  return report.checks.filter((c) => sectionOf(c) === section && (stamp === undefined || !c.check.startsWith('stamp.') || c.subject === stamp));
}

/** Each decision of the bundle's grants with its own checks (roster in force, passkey assertion, revoked since). */
export function approvalsOf(bundle: EvidenceBundle, report: EvidenceReport) {
  return bundle.grants.flatMap((grant) =>
    grant.decisions.map((decision) => ({
      grantId: grant.id,
      decision,
      checks: report.checks.filter((c) => c.check.startsWith('decision.') && c.subject.startsWith(decisionSubject(decision.id))),
    })),
  );
}

/** The failed checks' codes, once each, in the order they ran. */
export const failedCodes = (report: EvidenceReport): string[] => [...new Set(report.checks.filter((c) => !c.ok).map((c) => c.check))];

/** The stamp entries of the bundle's log that the bundle is evidence of, with their photos. */
export function stampsOf(bundle: EvidenceBundle) {
  return bundle.stamps.flatMap((stamp) => {
    const entry = bundle.log.find((e) => e.seq === stamp.seq);
    return entry?.type === 'stamp' ? [{ stamp, entry }] : [];
  });
}

/** The i18n key of a check code: `log.chain` → `log_chain`. */
export const checkKey = (code: string): string => code.replace(/\./g, '_');

/** A route parameter as the id it names, whether or not the link encoded it (`dev-1%3A12` → `dev-1:12`). */
export function routeId(param: string): string {
  try {
    return decodeURIComponent(param);
  } catch {
    return param;
  }
}
