import type { SealDatabase } from './collections';
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
  /** Settles once what must be read before anything moves is read (`noteUnitsToRecheck`); never fails. */
  readonly ready: Promise<void>;
  /** Called once each pull request settled (answered or failed). */
  readonly onAnswer?: () => void;
  /** Whether syncing stopped (`cancel`): a pass ends before its next request. */
  readonly stopped: () => boolean;
}
