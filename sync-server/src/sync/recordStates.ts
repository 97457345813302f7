import * as Automerge from '@automerge/automerge';
import { applyChangeRows, type ChangeRow, type RecordKind, type SealStatusChange, type SyncRow } from '@seal/shared';
import type { RowsRepo } from './rowsRepo';

/** A record as the server holds it: its merged Automerge document and its scope. */
export interface RecordState {
  /** `null` while no change of the record is stored. */
  readonly doc: Automerge.Doc<unknown> | null;
  readonly json: Record<string, unknown> | null;
  /** The unit every change of the record was pushed under (fixed at creation). */
  readonly scopeUnitId: string | null;
}

const EMPTY: RecordState = { doc: null, json: null, scopeUnitId: null };

/** Builds a document from change rows, in any order (Automerge orders them by their dependencies). */
export function mergeChangeRows(rows: readonly SyncRow[]): RecordState {
  const changes = rows.filter((row): row is ChangeRow => row.type === 'change');
  if (changes.length === 0) return EMPTY;
  const { doc } = applyChangeRows((bytes) => Automerge.applyChanges(Automerge.init<unknown>(), [...bytes])[0], changes);
  return { doc, json: Automerge.toJS(doc) as Record<string, unknown>, scopeUnitId: changes[0]!.scopeUnitId };
}

/**
 * Records loaded once per push: the state the store holds, plus the changes accepted earlier in
 * the same batch (so a batch may create a seal and then record its first lifecycle change).
 */
export class RecordStates {
  private readonly cache = new Map<string, Promise<RecordState>>();
  private readonly lifecycles = new Map<string, Promise<SealStatusChange[]>>();

  constructor(private readonly rows: RowsRepo) {}

  get(kind: RecordKind, recordId: string): Promise<RecordState> {
    const key = `${kind}:${recordId}`;
    let state = this.cache.get(key);
    if (!state) {
      state = this.rows.changesOf(kind, recordId).then(mergeChangeRows);
      this.cache.set(key, state);
    }
    return state;
  }

  /** A seal's lifecycle changes: those stored, plus those accepted earlier in the batch. */
  lifecycleOf(sealId: string): Promise<readonly SealStatusChange[]> {
    let changes = this.lifecycles.get(sealId);
    if (!changes) {
      changes = this.rows.lifecycleOf(sealId).then((rows) => rows.map((row) => row.body as unknown as SealStatusChange));
      this.lifecycles.set(sealId, changes);
    }
    return changes;
  }

  /** Records a lifecycle change accepted in this batch, for the rows after it (call after `lifecycleOf`). */
  addLifecycleChange(change: SealStatusChange): void {
    const held = this.lifecycles.get(change.sealId) ?? Promise.resolve([]);
    this.lifecycles.set(change.sealId, held.then((changes) => [...changes, change]));
  }

  /** Records the state after an accepted change, for the rows after it in the batch. */
  set(kind: RecordKind, recordId: string, state: RecordState): void {
    this.cache.set(`${kind}:${recordId}`, Promise.resolve(state));
  }
}
