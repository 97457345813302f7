import type { DocumentScope } from 'nano';
import type { WebhookAttempt, WebhookDelivery, WebhookEvent } from '@seal/shared';
import { getDoc, isConflict, type Stored } from '../../couch/docs';

/** A delivery as stored: the log entry, the event to send, and who is sending it now. */
export interface DeliveryDoc extends WebhookDelivery {
  readonly type: 'delivery';
  readonly event: WebhookEvent;
  /** Until when a server instance holds it to send (`null`: nobody). */
  readonly claimedUntil: number | null;
}

/** A delivery this instance claimed: only the holder of this revision may record the attempt. */
export interface ClaimedDelivery {
  readonly doc: DeliveryDoc;
  readonly rev: string;
}

export interface DeliveriesRepo {
  /** Creates the deliveries not already held (one per hook and event: the ids say so); returns how many are new. */
  createMany(docs: readonly DeliveryDoc[]): Promise<number>;
  /** Pending deliveries due at `now`, soonest first. */
  due(now: number, limit: number): Promise<DeliveryDoc[]>;
  /** When the next pending delivery is due, or `undefined` when none is pending. */
  nextDueAt(): Promise<number | undefined>;
  /**
   * Takes a pending, due, unclaimed delivery for `leaseMs` by writing over the revision read: of
   * several instances trying at once, CouchDB lets one write win, and the others skip it.
   */
  claim(id: string, now: number, leaseMs: number): Promise<ClaimedDelivery | undefined>;
  /** Records an attempt on a claimed delivery; `false` when the lease was lost meanwhile. */
  settle(claimed: ClaimedDelivery, attempt: WebhookAttempt, next: Pick<WebhookDelivery, 'status' | 'nextAttemptAt'>): Promise<boolean>;
  /** A hook's delivery log, newest first. */
  forHook(hookId: string, limit: number): Promise<WebhookDelivery[]>;
}

const asView = ({ type: _t, event: _e, claimedUntil: _c, ...delivery }: DeliveryDoc): WebhookDelivery => delivery;

export function deliveriesRepo(db: DocumentScope<DeliveryDoc>): DeliveriesRepo {
  const strip = ({ _id: _i, _rev: _r, ...doc }: DeliveryDoc & Stored): DeliveryDoc => doc;
  return {
    async createMany(docs) {
      if (docs.length === 0) return 0;
      const results = await db.bulk({ docs: docs.map((doc) => ({ ...doc, _id: doc.id })) });
      const failed = results.filter((r) => r.error && r.error !== 'conflict');
      if (failed.length > 0) throw new Error(`the store refused deliveries: ${failed.map((r) => `${r.id}: ${r.error}`).join(', ')}`);
      return results.filter((r) => !r.error).length;
    },
    async due(now, limit) {
      const page = await db.view('deliveries', 'due', { startkey: 0, endkey: now, include_docs: true, limit });
      return page.rows.filter((row) => row.doc).map((row) => strip(row.doc as DeliveryDoc & Stored));
    },
    async nextDueAt() {
      const page = await db.view<null>('deliveries', 'due', { limit: 1 });
      const key = page.rows[0]?.key;
      return typeof key === 'number' ? key : undefined;
    },
    async claim(id, now, leaseMs) {
      const stored = await getDoc(db, id);
      if (!stored || stored.status !== 'pending' || (stored.nextAttemptAt ?? 0) > now || (stored.claimedUntil ?? 0) > now) return undefined;
      const doc: DeliveryDoc = { ...strip(stored), claimedUntil: now + leaseMs };
      try {
        const written = await db.insert({ ...doc, _id: id, _rev: stored._rev });
        return { doc, rev: written.rev };
      } catch (error) {
        if (isConflict(error)) return undefined;
        throw error;
      }
    },
    async settle({ doc, rev }, attempt, next) {
      try {
        await db.insert({ ...doc, ...next, attempts: [...doc.attempts, attempt], claimedUntil: null, _id: doc.id, _rev: rev });
        return true;
      } catch (error) {
        if (isConflict(error)) return false;
        throw error;
      }
    },
    async forHook(hookId, limit) {
      const page = await db.view('deliveries', 'by_hook', { startkey: [hookId, {}], endkey: [hookId], descending: true, include_docs: true, limit });
      return page.rows.filter((row) => row.doc).map((row) => asView(strip(row.doc as DeliveryDoc & Stored)));
    },
  };
}
