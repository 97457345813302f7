import type { DocumentScope } from 'nano';
import { createDoc, docsByKey, getDoc, listDocs, updateDoc } from './docs';
import type { CredentialDoc } from './model';

/** Passkeys: public keys, sign counters, revocation. */
export interface CredentialsRepo {
  get(credentialId: string): Promise<CredentialDoc | undefined>;
  list(): Promise<CredentialDoc[]>;
  ofUser(userId: string): Promise<CredentialDoc[]>;
  /** `false` if this credential id is already registered. */
  create(credential: CredentialDoc): Promise<boolean>;
  update(credentialId: string, change: (c: CredentialDoc) => CredentialDoc | undefined): Promise<{ before: CredentialDoc; after: CredentialDoc } | undefined>;
}

// Credential ids are base64url and may start with "_", which CouchDB reserves: prefix them.
export const credentialDocId = (credentialId: string): string => `cred:${credentialId}`;
const docId = credentialDocId;
const strip = ({ _id: _i, _rev: _r, ...doc }: CredentialDoc & { _id: string; _rev: string }): CredentialDoc => doc;

export function credentialsRepo(db: DocumentScope<CredentialDoc>): CredentialsRepo {
  return {
    async get(credentialId) {
      const doc = await getDoc(db, docId(credentialId));
      return doc && strip(doc);
    },
    async list() {
      return (await listDocs(db, 'cred:')).map(strip);
    },
    async ofUser(userId) {
      return (await docsByKey(db, 'credentials', 'by_user', userId)).map(strip);
    },
    create: (credential) => createDoc(db, docId(credential.id), credential),
    update: (credentialId, change) => updateDoc(db, docId(credentialId), change),
  };
}
