import { createRxDatabase, type RxStorage } from 'rxdb';
import { newActorId, sha256, toHex, type UserId } from '@seal/shared';
import { onceLoader, type AutomergeLoader } from './automerge';
import { BlobQueue } from './blobQueue';
import { COLLECTION_SCHEMAS, type RecordDoc, type Refusal, type SealCollections, type SealDatabase } from './collections';
import { KeptAnswers } from './keptAnswers';
import { LocalBook } from './localBook';
import { FactLog } from './factLog';
import { Projector } from './projector';
import { replicaNameFor } from './replicaName';
import { RecordEditor } from './recordEditor';
import { StoreQueries } from './queries';
import { parseCorrection, SERVER_CLOCK_STATE, ServerClock } from './serverClock';
import { SyncStatus, type RefusedRowView } from './syncStatus';

export interface LocalStoreOptions {
  /** The signed-in user: their replica holds only what their roles' subtrees cover. */
  readonly userId: string;
  /** The RxDB storage: dexie over IndexedDB (the browser's, or fake-indexeddb in Node). */
  readonly storage: RxStorage<unknown, unknown>;
  readonly loadAutomerge: AutomergeLoader;
  /** One database per user and server; default `sealctl-<hash of userId>`. */
  readonly databaseName?: string;
  /** Several tabs sharing the database (the browser); default false. */
  readonly multiInstance?: boolean;
  /**
   * The device's clock (default `Date.now`): the book's bookkeeping runs on it, and rows are dated
   * by it corrected by the server's answers (`clock`).
   */
  readonly now?: () => number;
}

/**
 * The app's local store: RxDB collections (rows that replicate, projections that do not, the
 * outbox, refusals, attachment chunks), recording of facts, edits of records as Automerge
 * changes, and the live sync status. Runs in the browser and in Node alike: no DOM here.
 */
export interface LocalStore {
  readonly userId: UserId;
  /** This store's Automerge actor: the user's prefix and a suffix of its own. */
  readonly actorId: string;
  /** The replica id of the tabs open on this database (random; new when none was open: `replicaNameFor`): the server leaves rows it pushed out of its pulls. */
  readonly replicaId: string;
  /** What is held, as plain values (live or once): the database itself stays inside `store/`. */
  readonly query: StoreQueries;
  /** Device-local bookkeeping (outbox, refusals, attachment bytes, state). */
  readonly book: LocalBook;
  readonly facts: FactLog;
  readonly records: RecordEditor;
  readonly attachments: BlobQueue;
  /** The last answers of read-only views (headquarters), for reading them offline. */
  readonly kept: KeptAnswers;
  readonly status: SyncStatus;
  readonly loadAutomerge: AutomergeLoader;
  /**
   * The time to date anything recorded now by — every row, every time a fact names: the device's
   * clock corrected by the server's answers (`clock.now`), the one clock rows are dated by.
   */
  readonly now: () => number;
  /** How far the device's clock is off the server's, as learned and kept (ADR 003, *Clocks*). */
  readonly clock: ServerClock;
  /** The projection of one record (`seal:S1`), if held. */
  projection(subject: string): Promise<RecordDoc | undefined>;
  /** Resolves once every row that arrived so far is reflected in `records`. */
  whenProjected(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The store as `openLocalStore` hands it to `store/` (replication needs the database) and to
 * tests; the app beyond `store/` takes it as a `LocalStore`, without the database.
 */
export interface OpenedLocalStore extends LocalStore {
  readonly db: SealDatabase;
}

/** The database name of a user's replica (a hash: user ids stay out of IndexedDB names). */
async function databaseNameFor(userId: string): Promise<string> {
  return `sealctl-${toHex(await sha256(new TextEncoder().encode(userId))).slice(0, 24)}`;
}

const refusalView = ({ refusal, at }: { refusal: Refusal; at: number }): RefusedRowView => ({
  id: refusal.row.id, kind: refusal.row.kind, subject: refusal.row.subject, code: refusal.code, message: refusal.message, refusedAt: at,
  ...(refusal.remade === undefined ? {} : { remade: refusal.remade }),
});

/** Opens (creating if needed) a user's local store. */
export async function openLocalStore(options: LocalStoreOptions): Promise<OpenedLocalStore> {
  const deviceNow = options.now ?? Date.now;
  const userId = options.userId as UserId;
  const db: SealDatabase = await createRxDatabase<SealCollections>({
    name: options.databaseName ?? (await databaseNameFor(userId)),
    storage: options.storage,
    multiInstance: options.multiInstance ?? false,
    eventReduce: true,
    closeDuplicates: true,
  });
  await db.addCollections(COLLECTION_SCHEMAS);
  const book = new LocalBook(db, deviceNow);
  // An outbox entry whose row was never written (the app closed between the two writes) waits for
  // nothing; one written in the last minute may be another tab's write under way. (This also reads
  // the outbox in order: the book continues its order after the entries held.)
  await book.sweepOrphans();

  const loadAutomerge = onceLoader(options.loadAutomerge);
  const actorId = await newActorId(userId);
  // Shared by the tabs open on this database at once, new when none is (replicaName.ts): a copy
  // of the database never goes on under the id of the one it was taken from (restoredCopy.test.ts).
  // Named last of what may fail: nothing after it awaits, so an opening that fails holds no lock.
  const [lastSync, heldCorrection] = await Promise.all([book.state('lastSyncAt'), book.state(SERVER_CLOCK_STATE)]);
  // As learned from the server's answers, kept across reloads and days offline.
  const clock = new ServerClock(deviceNow, parseCorrection(heldCorrection), (correction) => book.setState(SERVER_CLOCK_STATE, correction));
  const now = clock.now;
  const replica = await replicaNameFor(db.name, book);
  const status = new SyncStatus();
  if (typeof lastSync === 'number') status.update({ lastSyncAt: lastSync });
  const facts = new FactLog(db, book, userId, now);
  const projector = new Projector(db, book, loadAutomerge);
  void projector.start();
  const unwatchClock = clock.subscribe((correction) => status.update({ clock: correction }));
  const subscriptions = [
    book.waiting$().subscribe(({ count, since }) => status.update({ pending: count, pendingSince: since })),
    book.refusals$().subscribe((refusals) => status.update({ refusals: refusals.map(refusalView) })),
  ];
  const attachments = new BlobQueue(book, facts, now);
  return {
    userId,
    actorId,
    replicaId: replica.id,
    db,
    query: new StoreQueries(db, book),
    book,
    facts,
    records: new RecordEditor(db, book, loadAutomerge, userId, actorId, now),
    attachments,
    kept: new KeptAnswers(book),
    status,
    loadAutomerge,
    now,
    clock,
    async projection(subject) {
      return (await db.records.findOne(subject).exec())?.toJSON();
    },
    whenProjected: () => projector.whenIdle(),
    async close() {
      attachments.stop();
      projector.stop();
      subscriptions.forEach((s) => s.unsubscribe());
      unwatchClock();
      await projector.whenIdle().catch(() => undefined);
      await db.close().finally(() => replica.release());
    },
  };
}
