import type { DocumentScope } from 'nano';
import type { SignedRevocationList } from '@seal/shared';
import { createDoc, getDoc } from './docs';

/**
 * The signed revocation lists as issued, one document per version in `meta`
 * (`revocations-archive:<version>`, written once: the store's MAC covers it). The newest is the
 * one in force; several server instances agree on it because the first to write a version wins.
 */
type RevocationsDoc = { readonly type: 'revocations-archive'; readonly version: number; readonly signed: SignedRevocationList };

export interface RevocationsArchive {
  /** The newest list issued, if any. */
  latest(): Promise<SignedRevocationList | undefined>;
  /** Archives a list under its version unless one is; returns the one archived (first writer wins). */
  keep(signed: SignedRevocationList): Promise<SignedRevocationList>;
}

const PREFIX = 'revocations-archive:';
// Fixed-width numbers so that the id order is the numeric order.
const idOf = (version: number): string => `${PREFIX}${String(version).padStart(16, '0')}`;

export function revocationsArchive(db: DocumentScope<RevocationsDoc>): RevocationsArchive {
  return {
    async latest() {
      const page = await db.list({ include_docs: true, startkey: `${PREFIX}\ufff0`, endkey: PREFIX, descending: true, limit: 1 });
      const doc = page.rows[0]?.doc;
      return doc?.type === 'revocations-archive' ? doc.signed : undefined;
    },
    async keep(signed) {
      const { version } = signed.list;
      const doc: RevocationsDoc = { type: 'revocations-archive', version, signed };
      if (await createDoc(db, idOf(version), doc)) return signed;
      const held = await getDoc(db, idOf(version));
      if (held?.type !== 'revocations-archive') throw new Error(`revocation list version ${version} could not be archived`);
      return held.signed;
    },
  };
}
