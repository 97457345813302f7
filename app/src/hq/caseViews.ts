import { PERMISSIONS, anomalyKindSchema, caseStatusSchema, type AnomalyKind, type CaseStatus, type SessionView as Session, type UnitView as Unit } from '@seal/shared';
import { unitsFor } from './hqAccess';
import type { SearchParams, SearchUpdate } from './hqViews';

/** The exception queue as its address says it: each filter in the query string, so a view can be shared. */
export interface CaseListView {
  readonly unit?: string | undefined;
  readonly status?: CaseStatus | undefined;
  readonly kind?: AnomalyKind | undefined;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
const first = (value: string | readonly string[] | undefined): string | undefined => (typeof value === 'string' ? value : value?.[0]);

/** The queue view an address shows; what it cannot read is left out rather than refused. */
export function caseListViewOf(params: SearchParams): CaseListView {
  const unit = first(params.unit);
  const status = caseStatusSchema.safeParse(first(params.status));
  const kind = anomalyKindSchema.safeParse(first(params.kind));
  return {
    unit: unit !== undefined && ID.test(unit) ? unit : undefined,
    status: status.success ? status.data : undefined,
    kind: kind.success ? kind.data : undefined,
  };
}

export const caseListSearchOf = (view: CaseListView): SearchUpdate => ({ unit: view.unit, status: view.status, kind: view.kind });

const DEVICE_EVENT_ROW = /^fact:device_event:(.+:\d+)$/;

/** The screen showing a piece of a case's evidence: a device-log row opens that stamp's evidence. */
export function evidenceHref(rowId: string): string | undefined {
  const match = DEVICE_EVENT_ROW.exec(rowId);
  return match === null ? undefined : `/hq/stamps/${encodeURIComponent(match[1]!)}`;
}

/**
 * The units a scan covers: the chosen one, or else each topmost unit the person may review cases
 * of (a scan covers a unit's whole subtree, so the units under those are scanned with them).
 */
export function scanUnitsOf(session: Session, units: readonly Unit[], chosen: string | undefined): string[] {
  if (chosen !== undefined) return [chosen];
  // The directory not held yet: the units of the person's grants (a scan is idempotent, overlaps cost time only).
  if (units.length === 0) return [...new Set(session.user.grants.filter((g) => PERMISSIONS['case.review'][g.role] !== undefined).map((g) => g.unitId))];
  const covered = unitsFor(session, 'case.review', units);
  const ids = new Set(covered.map((u) => u.id));
  return covered.filter((u) => u.parentId === null || !ids.has(u.parentId)).map((u) => u.id);
}
