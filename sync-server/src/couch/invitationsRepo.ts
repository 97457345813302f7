import type { DocumentScope } from 'nano';
import { createDoc, getDoc, listDocs, updateDoc } from './docs';
import type { InvitationDoc } from './model';

/** An invitation with its id (the SHA-256 of its code). */
export type Invitation = InvitationDoc & { readonly id: string };

/** Single-use registration codes, stored by the hash of the code. */
export interface InvitationsRepo {
  get(id: string): Promise<Invitation | undefined>;
  list(): Promise<Invitation[]>;
  create(id: string, invitation: InvitationDoc): Promise<boolean>;
  update(id: string, change: (i: InvitationDoc) => InvitationDoc | undefined): Promise<{ before: InvitationDoc; after: InvitationDoc } | undefined>;
}

const withId = ({ _id, _rev: _r, ...doc }: InvitationDoc & { _id: string; _rev: string }): Invitation => ({ ...doc, id: _id });

export function invitationsRepo(db: DocumentScope<InvitationDoc>): InvitationsRepo {
  return {
    async get(id) {
      const doc = await getDoc(db, id);
      return doc && withId(doc);
    },
    async list() {
      return (await listDocs(db)).map(withId);
    },
    create: (id, invitation) => createDoc(db, id, invitation),
    update: (id, change) => updateDoc(db, id, change),
  };
}
