import type { DocumentScope } from 'nano';
import { createDoc, getDoc, listDocs, updateDoc, type Stored } from './docs';

/**
 * A database of whole documents that carry their own id (`doc.id` is the CouchDB `_id`): read
 * one, list all, create once, change with CouchDB's optimistic concurrency. Callers never see
 * `_id` or `_rev`.
 */
export interface DocRepo<T extends { readonly id: string }> {
  get(id: string): Promise<T | undefined>;
  list(): Promise<T[]>;
  /** `false` if the id is taken. */
  create(doc: T): Promise<boolean>;
  /** See `updateDoc`: `change` may run more than once when another writer wins a race. */
  update(id: string, change: (doc: T) => T | undefined): Promise<{ before: T; after: T } | undefined>;
}

const strip = <T>({ _id: _i, _rev: _r, ...doc }: T & Stored): T => doc as T;

export function docRepo<T extends { readonly id: string }>(db: DocumentScope<T>): DocRepo<T> {
  return {
    async get(id) {
      const doc = await getDoc(db, id);
      return doc && strip<T>(doc);
    },
    async list() {
      return (await listDocs(db)).map((doc) => strip<T>(doc));
    },
    create: (doc) => createDoc(db, doc.id, doc),
    update: (id, change) => updateDoc(db, id, change),
  };
}

/** A repository whose list is kept (`withKeptList`): `listKept` answers the kept list itself, the same array until the database changes. */
export interface KeptListRepo<T extends { readonly id: string }> extends DocRepo<T> {
  listKept(): Promise<readonly T[]>;
}

/** `value` frozen through and through (a document kept for every caller must not change under them). */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.values(value).forEach(deepFreeze);
    Object.freeze(value);
  }
  return value;
}

/**
 * `repo` whose `list` is read again only when its database changed: the database's `update_seq`
 * is asked first (one small request), and the documents listed after it are kept under it. Read
 * in that order, what is kept is never older than the sequence it is kept under (a write between
 * the two reads makes the next sequence differ, and the list is read again). The documents are
 * the MAC-checked ones, frozen: every caller shares them. For the units, which every request
 * reads to judge scope: an organisation of hundreds of units was hundreds of documents read and
 * MAC-checked per request.
 */
export function withKeptList<T extends { readonly id: string }>(db: DocumentScope<T>, repo: DocRepo<T>): KeptListRepo<T> {
  let kept: { readonly seq: string; readonly docs: Promise<readonly T[]> } | undefined;
  const listKept = async (): Promise<readonly T[]> => {
    const seq = JSON.stringify((await db.info()).update_seq);
    let current = kept;
    if (current?.seq !== seq) {
      const mine = { seq, docs: repo.list().then((listed) => deepFreeze(listed) as readonly T[]) };
      current = kept = mine;
      // A failed read is not kept: the next call reads again.
      mine.docs.catch(() => {
        if (kept === mine) kept = undefined;
      });
    }
    return current.docs;
  };
  return { ...repo, listKept, list: async () => [...(await listKept())] };
}
