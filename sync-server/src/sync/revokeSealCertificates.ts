import type { DocumentScope } from 'nano';
import type { Actor } from '../couch/model';
import { certificateDocId, certificateView, type CertificateDoc } from '../couch/certificatesRepo';
import type { ChangeJournal } from '../couch/changeJournal';

/**
 * Revokes the live signing certificates `which` picks: each one audited
 * (`signing_certificate.revoke`) by `actor`, with `reason`. Impressions claimed after `revokedAt`
 * are then refused their countersignature (`judgeImpression`). Returns how many were revoked.
 */
async function revokeCertificatesWhere(
  db: DocumentScope<object>, changes: ChangeJournal, which: (doc: CertificateDoc) => boolean, reason: string, actor: Actor, now: number,
): Promise<number> {
  const page = await db.list({ include_docs: true, startkey: 'cert:', endkey: 'cert:\ufff0' });
  const live = page.rows
    .map((r) => r.doc as unknown as CertificateDoc | undefined)
    .filter((doc): doc is CertificateDoc => doc?.type === 'signing-certificate' && doc.revokedAt === null && Date.parse(doc.notAfter) > now && which(doc));
  for (const held of live) {
    await changes.commit(async (tx) => {
      const current = await tx.read<CertificateDoc>('certificates', certificateDocId(held.serial));
      if (!current || current.revokedAt !== null) return { result: undefined, audit: [] };
      const next: CertificateDoc = { ...current, revokedAt: new Date(now).toISOString(), revocationReason: reason };
      tx.write('certificates', certificateDocId(held.serial), next);
      return { result: undefined, audit: [{ actor, action: 'signing_certificate.revoke', target: { kind: 'signing_certificate', id: held.serial }, unitId: current.unitId, before: certificateView(current), after: certificateView(next) }] };
    });
  }
  return live.length;
}

/** Revokes a seal's live signing certificates when the seal leaves `active` (ADR 008). */
export const revokeSealCertificates = (db: DocumentScope<object>, changes: ChangeJournal, sealId: string, reason: string, actor: Actor, now: number): Promise<number> =>
  revokeCertificatesWhere(db, changes, (doc) => doc.sealId === sealId, reason, actor, now);

/**
 * Revokes a holder's live signing certificates that `mayStillHold` no longer allows: all of them
 * when the person is deactivated, those of the seals' units they lost the role on otherwise. A
 * tablet's key then signs nothing the organisation countersigns.
 */
export const revokeHolderCertificates = (
  db: DocumentScope<object>, changes: ChangeJournal, holderId: string, mayStillHold: (doc: CertificateDoc) => boolean, reason: string, actor: Actor, now: number,
): Promise<number> => revokeCertificatesWhere(db, changes, (doc) => doc.holderId === holderId && !mayStillHold(doc), reason, actor, now);
