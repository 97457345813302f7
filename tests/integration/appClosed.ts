import type { LocalStore } from '../../app/src/store/localStore';

/**
 * `store` as app code sees it, where every write after the first `writes` never happens: the app
 * was closed (or the storage refused) right after them. A write is a record created or edited, a
 * fact recorded, or an attachment kept, whichever comes first; reads and row building go through.
 */
export function closedAfterWrites(store: LocalStore, writes = 1): LocalStore {
  let made = 0;
  const cut = <A extends unknown[], R>(write: (...args: A) => Promise<R>) => async (...args: A): Promise<R> => {
    if (++made > writes) throw new Error('the app was closed');
    return write(...args);
  };
  return {
    ...store,
    records: { create: cut(store.records.create.bind(store.records)), update: cut(store.records.update.bind(store.records)), updateTogether: cut(store.records.updateTogether.bind(store.records)) },
    facts: { rowOf: store.facts.rowOf.bind(store.facts), append: cut(store.facts.append.bind(store.facts)), appendMany: cut(store.facts.appendMany.bind(store.facts)) },
    attachments: { add: cut(store.attachments.add.bind(store.attachments)) },
  } as unknown as LocalStore;
}
