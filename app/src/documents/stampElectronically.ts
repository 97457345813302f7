import {
  err, fromPem, impressionSignatureField, judgeImpression, ok, refuse, signPdf, toHex, verificationCodeOf, sha256,
  type ElectronicGrant, type Impression, type ImpressionId, type ImpressionLayoutRecord, type ImpressionRecords, type Refusal, type Result,
} from '@seal/shared';
import { impressionCertificateOf, validCredential } from './signingKeys';
import type { SigningDb } from './signingDb';

/** The records an impression is judged against on this tablet, besides the grant and the certificate. */
export type HeldImpressionRecords = Omit<ImpressionRecords, 'grant' | 'certificate'>;

/** What stamping needs of the app around it: the replica's records, and where the impression goes. */
export interface StampingContext {
  readonly db: SigningDb;
  readonly now: () => number;
  /** The request, seal, roster, seal lifecycle and the request's impressions as this replica holds them; a refusal when the request or seal is not held. */
  records(grant: ElectronicGrant): Promise<Result<HeldImpressionRecords, Refusal>>;
  /**
   * Records the impression fact through the store (so it syncs), under the request's unit — with
   * its grant first (content-addressed: recording a held grant again is the same fact), so that a
   * grant that reached this tablet by file rather than by sync reaches the server before it.
   */
  recordImpression(impression: Impression, grant: ElectronicGrant): Promise<void>;
}

export interface StampElectronicallyArgs {
  readonly grant: ElectronicGrant;
  /** The document as chosen: must be the approved one. */
  readonly sourcePdf: Uint8Array;
  /** The document with the seal and QR drawn: what is signed. */
  readonly stampedPdf: Uint8Array;
  readonly impressionId: ImpressionId;
  /** The 1-based pages stamped, ascending. */
  readonly pages: readonly number[];
  /** How `stampedPdf` was drawn (recorded with the impression: the server draws it again to check the PDF). */
  readonly layout: ImpressionLayoutRecord;
}

export interface StampedImpression {
  readonly impression: Impression;
  readonly signedPdf: Uint8Array;
}

const hexSha256 = async (bytes: Uint8Array): Promise<string> => toHex(await sha256(bytes));

/**
 * An impression made on this tablet (ADR 008 step 1), offline if need be: the source must be the
 * document the approvers signed (SHA-256 recomputed here, not taken from the screen); the
 * impression is judged by the shared rule (`judgeImpression`: grant, window, seal status, uses
 * counted over the request's impressions held here, the certificate); the stamped PDF is signed
 * (PAdES B-B) with this tablet's non-extractable key under its valid certificate; the impression
 * fact is recorded (it syncs) and the signed PDF is queued for the organisation's countersignature.
 */
export async function stampElectronically(args: StampElectronicallyArgs, ctx: StampingContext): Promise<Result<StampedImpression, Refusal>> {
  const { grant } = args;
  const sourceSha256 = await hexSha256(args.sourcePdf);
  if (sourceSha256 !== grant.documentSha256.toLowerCase()) {
    return refuse('impression_wrong_document', `this is not the document that was approved: its SHA-256 is ${sourceSha256}, the approvers signed ${grant.documentSha256}`);
  }
  // Whole seconds: the signature's /M carries seconds, and the server matches it to claimedAt.
  const claimedAt = Math.floor(ctx.now() / 1000) * 1000;
  const credential = await validCredential(ctx.db, grant.sealId, grant.holderId, claimedAt);
  if (credential === undefined) {
    return refuse('no_valid_certificate', 'this tablet holds no valid signing certificate for this seal: connect to the network once so it can get one (a tablet offline beyond its certificate cannot sign)');
  }
  const records = await ctx.records(grant);
  if (!records.ok) return records;
  const draft: Impression = {
    id: args.impressionId, grantId: grant.id, requestId: grant.requestId, sealId: grant.sealId, holderId: grant.holderId,
    sourceSha256, signedSha256: '0'.repeat(64), certificateSerial: credential.certificate.serial,
    claimedAt, pages: [...args.pages], verificationCode: await verificationCodeOf(args.impressionId), layout: args.layout,
  };
  const judged = await judgeImpression(draft, { ...records.value, grant, certificate: impressionCertificateOf(credential) });
  if (!judged.ok) return err(judged.error);
  const signedPdf = await signPdf(args.stampedPdf, {
    privateKey: credential.privateKey,
    certificate: fromPem('CERTIFICATE', credential.certificate.pem)[0]!,
    chain: credential.certificate.chain.flatMap((pem) => fromPem('CERTIFICATE', pem)),
  }, impressionSignatureField(draft));
  const impression: Impression = { ...draft, signedSha256: await hexSha256(signedPdf) };
  // The signed PDF is kept before the fact goes out: the countersignature needs both.
  await ctx.db.countersign.put({ impressionId: impression.id, holderId: impression.holderId, signedPdf, signedSha256: impression.signedSha256, queuedAt: claimedAt });
  await ctx.recordImpression(impression, grant);
  return ok({ impression, signedPdf });
}
