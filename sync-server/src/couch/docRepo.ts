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
