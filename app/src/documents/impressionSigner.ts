import { newImpressionId, refuse, verificationCodeOf, type ElectronicGrant, type ImpressionId } from '@seal/shared';
import type { ImpressionSigner } from './electronicStamping';
import { startCountersignOutbox } from './countersignOutbox';
import { signingDb, type SigningDb } from './signingDb';
import { ensureCertificate, validCredential } from './signingKeys';
import { stampElectronically, type StampingContext } from './stampElectronically';

/** Whether this tablet can sign for a grant now: its certificate's end, or why not. */
export type CertificateState = { readonly valid: true; readonly notAfter: number } | { readonly valid: false; /** Why the last renewal failed, or `offline`. */ readonly reason: string };

/** The stamping screen's signer, with a way to check (and, online, renew) the tablet's certificate. */
export interface TabletSigner extends ImpressionSigner {
  certificate(grant: Pick<ElectronicGrant, 'sealId' | 'holderId'>): Promise<CertificateState>;
}

/**
 * The one place the stamping screen meets signing: a new impression (its id, and the code printed
 * on the pages), then `stampElectronically` (document hash, `judgeImpression`, the PAdES
 * signature with this tablet's key, the impression fact, the countersignature queue).
 */
export function impressionSigner(context: Omit<StampingContext, 'db' | 'now'> & { readonly currentUser: () => string | undefined }, db: SigningDb = signingDb(), now: () => number = Date.now): TabletSigner {
  const sendCountersignatures = startCountersignOutbox(db, context.currentUser);
  const ctx: StampingContext = { ...context, db, now };
  return {
    async begin() {
      const impressionId = newImpressionId();
      return { impressionId, code: await verificationCodeOf(impressionId) };
    },
    async sign({ grant, sourcePdf, stampedPdf, impression, pages, layout }) {
      if (grant.decisions === undefined) return refuse('grant_incomplete', 'this grant is not held in full on this tablet');
      const made = await stampElectronically({ grant: grant as ElectronicGrant, sourcePdf, stampedPdf, impressionId: impression.impressionId as ImpressionId, pages, layout }, ctx);
      if (!made.ok) return made;
      // Online, the signed PDF goes for the countersignature at once (retried until its fact has synced).
      sendCountersignatures();
      return { ok: true, value: made.value.signedPdf };
    },
    async certificate(grant) {
      let problem = 'offline';
      if (navigator.onLine) {
        const renewed = await ensureCertificate(db, grant.sealId, grant.holderId, now()).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))));
        if (!(renewed instanceof Error)) return { valid: true, notAfter: renewed.certificate.notAfter };
        problem = renewed.message;
      }
      const held = await validCredential(db, grant.sealId, grant.holderId, now());
      return held === undefined
        ? { valid: false, reason: problem }
        : { valid: true, notAfter: held.certificate.notAfter };
    },
  };
}
