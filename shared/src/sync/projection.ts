import { compareText } from '../domain/compare';
import { dedupeById } from '../domain/dedupeById';
import type { SealStatusChange } from '../domain/sealStatusChange';
import { sealStatusTimeline } from '../domain/sealStatusTimeline';
import type { RecordKind } from './kinds';
import { recordSchemas } from './recordSchemas';
import type { FactRow } from './rows';
import { parseSubject } from './subject';

/** A merged Automerge document, as plain JSON, and its heads. */
export interface MergedDocument {
  readonly json: unknown;
  /** The document's heads (change hashes), sorted. */
  readonly heads: readonly string[];
}

/**
 * What a replica shows of one record: its merged document and what its facts add up to. Plain
 * JSON, sorted throughout, a pure function of the rows about the subject — so every replica (and
 * the server) that holds the same rows holds the same projection, whatever order they came in.
 */
export interface SubjectProjection {
  readonly subject: string;
  readonly kind: RecordKind;
  readonly recordId: string;
  /** The record's unit (`null` while only facts about it are known). */
  readonly scopeUnitId: string | null;
  readonly heads: readonly string[];
  /** The merged document, or `null` when no change of it is known yet. */
  readonly record: unknown;
  /** Whether the merged document satisfies its kind's schema. */
  readonly valid: boolean;
  /** What facts add: a seal's status; a request's decisions, cancellations and grants. */
  readonly derived: Readonly<Record<string, unknown>>;
}

/** Fact kinds that change a projection; the others (device events, attachments, alarms) do not. */
export const PROJECTED_FACT_KINDS = ['seal_status_change', 'decision', 'cancellation', 'grant'] as const;

const idsOf = (facts: readonly FactRow[], kind: string): string[] =>
  [...new Set(facts.filter((f) => f.kind === kind).map((f) => f.id))].sort(compareText);

function derive(kind: RecordKind, facts: readonly FactRow[]): Record<string, unknown> {
  switch (kind) {
    case 'seal': {
      const changes = dedupeById(facts.filter((f) => f.kind === 'seal_status_change').map((f) => f.body as unknown as SealStatusChange)).facts;
      if (changes.length === 0) return { status: null, lifecycleChanges: 0, skippedChanges: [] };
      const timeline = sealStatusTimeline(changes);
      return {
        status: timeline.steps.at(-1)?.status ?? timeline.initial,
        lifecycleChanges: changes.length,
        skippedChanges: timeline.skipped.map((s) => s.changeId).sort(compareText),
      };
    }
    case 'request':
      return { decisionIds: idsOf(facts, 'decision'), cancellationIds: idsOf(facts, 'cancellation'), grantIds: idsOf(facts, 'grant') };
    case 'device':
    case 'profile':
      return {};
  }
}

/**
 * The projection of one subject from its merged document (or `null`) and the facts about it.
 * Returns `undefined` for subjects that name no record kind (alarms).
 */
export function projectSubject(subject: string, document: MergedDocument | null, facts: readonly FactRow[]): SubjectProjection | undefined {
  const parsed = parseSubject(subject);
  if (parsed === undefined) return undefined;
  const record = document?.json ?? null;
  const valid = record !== null && recordSchemas[parsed.kind].safeParse(record).success;
  const unitId = record !== null && typeof record === 'object' ? (record as { unitId?: unknown }).unitId : undefined;
  return {
    subject,
    kind: parsed.kind,
    recordId: parsed.recordId,
    scopeUnitId: typeof unitId === 'string' ? unitId : null,
    heads: [...(document?.heads ?? [])].sort(compareText),
    record,
    valid,
    derived: derive(parsed.kind, facts.filter((f) => f.subject === subject)),
  };
}
