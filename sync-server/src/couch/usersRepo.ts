import type { DocumentScope } from 'nano';
import { createDoc, getDoc, listDocs, updateDoc } from './docs';
import type { UserDoc } from './model';

/** The people who may sign in: profile, roles and whether they are disabled. */
export interface UsersRepo {
  get(id: string): Promise<UserDoc | undefined>;
  list(): Promise<UserDoc[]>;
  /** `false` if the id is taken. */
  create(user: UserDoc): Promise<boolean>;
  update(id: string, change: (user: UserDoc) => UserDoc | undefined): Promise<{ before: UserDoc; after: UserDoc } | undefined>;
}

const strip = ({ _id: _i, _rev: _r, ...doc }: UserDoc & { _id: string; _rev: string }): UserDoc => doc;

export function usersRepo(db: DocumentScope<UserDoc>): UsersRepo {
  return {
    async get(id) {
      const doc = await getDoc(db, id);
      return doc && strip(doc);
    },
    async list() {
      return (await listDocs(db)).map(strip);
    },
    create: (user) => createDoc(db, user.id, user),
    update: (id, change) => updateDoc(db, id, change),
  };
}
