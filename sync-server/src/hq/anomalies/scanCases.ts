import { detectAnomalies, isInSubtree, type Anomaly, type UnitId } from '@seal/shared';
import { loadUnitTree } from '../../auth/scope';
import type { Actor } from '../../couch/model';
import type { Store } from '../../couch/store';
import type { ServerContext } from '../../context';
import { caseDocId, caseIdOf, casesRepo, caseView, newCase, type CaseDoc } from './casesRepo';
import { loadHistory } from './loadHistory';

/** Cases written per journalled change (an intent holds every write and audit record of its change). */
const CASES_PER_CHANGE = 100;

export interface ScanOutcome {
  readonly unit: string;
  readonly devices: number;
  readonly entries: number;
  readonly anomalies: number;
  readonly opened: number;
  readonly updated: number;
}

const sameEvidence = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/**
 * Detects the anomalies of a unit's subtree and upserts their cases by case key: a root cause
 * seen for the first time opens a case (`case.open`, audited); one already known keeps its case
 * and status, and only a change in its evidence is written (`case.evidence`, audited) — but a
 * resolved case with new evidence opens again (`case.reopen`, audited). Scanning
 * twice opens nothing the second time; two servers scanning at once write each case once (the
 * journal re-plans a write that lost a race, and then finds the case there).
 */
export async function scanCases(ctx: ServerContext, store: Store, unitId: string, actor: Actor, options: { readonly verifyPhotoBytes?: boolean } = {}): Promise<ScanOutcome> {
  const cases = casesRepo(store.couch.use(store.dbName('cases')));
  const tree = await loadUnitTree(ctx.repos.units);
  const inScope = (u: string) => isInSubtree(u as UnitId, unitId as UnitId, tree);
  const { history, entries } = await loadHistory(store, inScope, (d) => inScope(d.unitId), options.verifyPhotoBytes ?? false);
  const { rules } = await cases.rules();
  const anomalies = await detectAnomalies(history, rules, ctx.now());
  let opened = 0;
  let updated = 0;
  for (let i = 0; i < anomalies.length; i += CASES_PER_CHANGE) {
    const batch = anomalies.slice(i, i + CASES_PER_CHANGE);
    const counts = await ctx.changes.commit(async (tx) => {
      const audit = [];
      let open = 0;
      let update = 0;
      for (const anomaly of batch) {
        const id = caseDocId(caseIdOf(anomaly.caseKey));
        const held = await tx.read<CaseDoc>('cases', id);
        const change = planCase(held, anomaly, ctx.now());
        if (!change) continue;
        tx.write('cases', id, change.after);
        audit.push({ actor, action: change.action, target: { kind: 'case', id: change.after.id }, unitId: anomaly.unitId, ...(held ? { before: caseView(held) } : {}), after: caseView(change.after) });
        if (held) update += 1;
        else open += 1;
      }
      return { result: { open, update }, audit };
    });
    opened += counts.open;
    updated += counts.update;
  }
  return { unit: unitId, devices: history.devices.length, entries, anomalies: anomalies.length, opened, updated };
}

/**
 * What to write for an anomaly: a new case, its case with new evidence, or nothing. A resolved
 * case that gains evidence it did not have when it was resolved opens again (`case.reopen`): one
 * resolution ("the extra copy was approved afterwards") must not hide every later stamp under the
 * same request or grant from HQ's open cases, counts and reports.
 */
export function planCase(held: CaseDoc | undefined, anomaly: Anomaly, now: number): { after: CaseDoc; action: string } | undefined {
  if (!held) return { after: newCase(anomaly, now), action: 'case.open' };
  if (sameEvidence(held.evidence, anomaly.evidence)) return undefined;
  const updated: CaseDoc = { ...held, evidence: [...anomaly.evidence], message: anomaly.message, lastSeenAt: now };
  const known = new Set(held.evidence);
  if (held.status === 'resolved' && anomaly.evidence.some((piece) => !known.has(piece))) {
    const { acknowledgedAt: _a, acknowledgedBy: _b, resolvedAt: _r, resolvedBy: _s, resolution: _n, ...open } = updated;
    return { after: { ...open, status: 'open' }, action: 'case.reopen' };
  }
  return { after: updated, action: 'case.evidence' };
}
