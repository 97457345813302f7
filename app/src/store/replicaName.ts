import { toBase64Url } from '@seal/shared';

/** Where the id is kept for the tabs open at the same time (a `state` entry of the local book). */
export interface ReplicaIdBook {
  state(key: string): Promise<unknown>;
  setState(key: string, value: unknown): Promise<unknown>;
}

/** An opening's replica id, and what to call when it closes. */
export interface ReplicaName {
  readonly id: string;
  release(): void;
}

const STATE_KEY = 'replicaId';
const newId = () => toBase64Url(crypto.getRandomValues(new Uint8Array(16)));

/** Openings of this JavaScript context by database, where Web Locks are missing (Node: the tests' replicas). */
const openHere = new Map<string, { readonly id: string; count: number }>();

/**
 * The replica id of an opening of the local database `dbName`: the server leaves the rows a
 * replica pushed out of its pulls and hints. The tabs open on the database at the same time share
 * one (they share the rows: none pulls back what another pushed, or is hinted by it); an opening
 * while none is open takes a new one. So a copy of the database — a profile restored from a
 * backup, a tablet image cloned onto several tablets — never goes on under the id of the copy it
 * was taken from, which pushed rows it does not hold (ADR 003). Each open tab holds a shared Web
 * Lock while open (released when it closes or dies); the id is chosen under an exclusive one.
 */
export async function replicaNameFor(dbName: string, book: ReplicaIdBook): Promise<ReplicaName> {
  const locks = (globalThis as { navigator?: { locks?: LockManager } }).navigator?.locks;
  if (!locks) {
    const held = openHere.get(dbName) ?? { id: newId(), count: 0 };
    held.count++;
    openHere.set(dbName, held);
    let released = false;
    return {
      id: held.id,
      release() {
        if (released) return;
        released = true;
        if (--held.count === 0 && openHere.get(dbName) === held) openHere.delete(dbName);
      },
    };
  }
  const open = `sealctl-open:${dbName}`;
  return locks.request(`sealctl-replica-id:${dbName}`, async () => {
    const { held = [] } = await locks.query();
    const kept = held.some((lock) => lock.name === open) ? await book.state(STATE_KEY) : undefined;
    const id = typeof kept === 'string' ? kept : newId();
    // Not kept (storage full): this tab is not counted as open, so the tabs opening next take ids
    // of their own (rows echoed back to them, nothing lost) rather than the stale one kept.
    if (id !== kept && !(await book.setState(STATE_KEY, id).then(() => true, () => false))) return { id, release: () => undefined };
    let release!: () => void;
    const closed = new Promise<void>((done) => (release = done));
    await new Promise<void>((granted) => {
      void locks.request(open, { mode: 'shared' }, () => {
        granted();
        return closed;
      });
    });
    return { id, release };
  });
}
