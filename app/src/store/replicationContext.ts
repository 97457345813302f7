import type { Refusal, SealDatabase } from './collections';
import type { HeldUnits } from './heldUnits';
import type { LocalBook } from './localBook';
import type { SignedOutGate } from './replicationParts';
import type { SyncClient } from './syncClient';
import type { SyncStatus } from './syncStatus';

/** What the push and pull passes share. */
export interface PassContext {
  readonly db: SealDatabase;
  readonly book: LocalBook;
  readonly client: SyncClient;
  readonly status: SyncStatus;
  readonly gate: SignedOutGate;
  readonly now: () => number;
  readonly retryMs: number;
  readonly batchSize: number;
  /** Settles once what must be read before anything moves is read (the units held); never fails. */
  readonly ready: Promise<void>;
  /** The units this replica may hold rows of. */
  readonly held: HeldUnits;
  /** Called once each pull request settled (answered or failed). */
  readonly onAnswer?: () => void;
  /** Whether syncing stopped (`cancel`): a pass ends before its next request. */
  readonly stopped: () => boolean;
  /** Called with a push answer's refusals once kept (see `RowReplicationOptions.afterRefusals`). */
  readonly afterRefusals?: (refusals: readonly Refusal[]) => Promise<unknown>;
}
