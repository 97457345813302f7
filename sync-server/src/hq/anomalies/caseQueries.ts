import type { AnomalyKind } from '@seal/shared';
import type { Store } from '../../couch/store';
import { casesRepo, type CaseDoc } from './casesRepo';

/** Cases not yet resolved. */
const isOpen = (c: CaseDoc): boolean => c.status !== 'resolved';

/**
 * For the merged log (and the dashboard): how many unresolved cases (open or acknowledged) there
 * are by kind among units the caller may read (`inScope` says which).
 */
export async function countOpenCasesByKind(store: Store, inScope: (unitId: string) => boolean): Promise<Partial<Record<AnomalyKind, number>>> {
  const counts: Partial<Record<AnomalyKind, number>> = {};
  for (const c of await casesRepo(store.couch.use(store.dbName('cases'))).list()) {
    if (isOpen(c) && inScope(c.unitId)) counts[c.kind] = (counts[c.kind] ?? 0) + 1;
  }
  return counts;
}

/**
 * For the merged log's "anomalies only" filter: the row ids (`fact:device_event:dev:12`,
 * `fact:grant:…`, `change:request:R1:` — a record's change-row prefix) that are evidence of a case
 * in scope, with the case ids each belongs to. `includeResolved` keeps resolved cases' evidence.
 */
export async function anomalousRowIds(store: Store, inScope: (unitId: string) => boolean, includeResolved = false): Promise<Map<string, string[]>> {
  const byRow = new Map<string, string[]>();
  for (const c of await casesRepo(store.couch.use(store.dbName('cases'))).list()) {
    if (!inScope(c.unitId) || (!includeResolved && !isOpen(c))) continue;
    for (const rowId of c.evidence) byRow.set(rowId, [...(byRow.get(rowId) ?? []), c.id]);
  }
  return byRow;
}
