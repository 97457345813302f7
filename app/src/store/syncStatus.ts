import type { SyncRefusalCode } from '@seal/shared';
import type { RemadeMove } from './collections';
import type { ClockCorrection } from './serverClock';

/** A refused row as the user sees it. */
export interface RefusedRowView {
  readonly id: string;
  readonly kind: string;
  readonly subject: string;
  readonly code: SyncRefusalCode;
  readonly message: string;
  readonly refusedAt: number;
  /** A lifecycle move refused for its date (`future_time`) made again, dated by the corrected clock. */
  readonly remade?: RemadeMove;
}

/** A long catch-up from the server, while it runs. */
export interface CatchUpProgress {
  /** Rows pulled since the catch-up began. */
  readonly pulled: number;
  /** Store changes still to scan (an upper bound: some are outside this user's scope). */
  readonly remaining: number;
}

/** Attachment bytes waiting to go up. */
export interface AttachmentProgress {
  readonly queued: number;
  readonly bytesTotal: number;
  readonly bytesSent: number;
}

/** Everything the sync status shows, as one immutable snapshot. */
export interface SyncStatusSnapshot {
  /** `offline`: the server cannot be reached; `signed_out`: it refuses the session. */
  readonly connection: 'unknown' | 'online' | 'offline' | 'signed_out';
  /** While `signed_out`: the server's code (`replica_user_mismatch`: someone else signed in on this browser). */
  readonly signedOutCode?: string | undefined;
  /** Last time this replica had everything it was owed (a pull reached the server's head). */
  readonly lastSyncAt: number | null;
  /** Rows made here the server has not answered yet. */
  readonly pending: number;
  /** When the oldest of them was made (`null` while none waits). */
  readonly pendingSince: number | null;
  readonly catchUp: CatchUpProgress | null;
  readonly attachments: AttachmentProgress;
  readonly refusals: readonly RefusedRowView[];
  /** The last failure, for a tooltip (`null` after a success). */
  readonly lastError: string | null;
  /** How far this device's clock is off the server's, as learned (`null`: not yet); rows are dated corrected by it. */
  readonly clock: ClockCorrection | null;
}

const INITIAL_STATUS: SyncStatusSnapshot = {
  connection: 'unknown',
  lastSyncAt: null,
  pending: 0,
  pendingSince: null,
  catchUp: null,
  attachments: { queued: 0, bytesTotal: 0, bytesSent: 0 },
  refusals: [],
  lastError: null,
  clock: null,
};

/** A tiny observable value (no DOM, no framework): the UI adapts it (see app/src/sync). */
export class SyncStatus {
  private value: SyncStatusSnapshot = INITIAL_STATUS;
  private readonly listeners = new Set<(status: SyncStatusSnapshot) => void>();

  get(): SyncStatusSnapshot {
    return this.value;
  }

  /** Calls `listener` now and after every change; returns the unsubscribe function. */
  subscribe(listener: (status: SyncStatusSnapshot) => void): () => void {
    this.listeners.add(listener);
    listener(this.value);
    return () => this.listeners.delete(listener);
  }

  update(patch: Partial<SyncStatusSnapshot>): void {
    this.value = { ...this.value, ...patch };
    for (const listener of [...this.listeners]) listener(this.value);
  }
}
