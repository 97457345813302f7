import { createHash } from 'node:crypto';
import { countersignBodySchema, countersignResponseSchema } from '@seal/shared';
import { loadUnitTree, permission } from '../../auth/scope';
import type { Store } from '../../couch/store';
import { certificatesRepo, certificateView, type CertificateDoc } from '../../couch/certificatesRepo';
import { countersigner, countersignPdf } from '../../auth/countersign';
import { orgCaOf } from '../../auth/orgCaLoader';
import type { Api } from '../api';
import { ApiError, requireSigningEnabled } from '../errors';
import { recordChange, actorOf } from '../recordChange';

/**
 * The organisation's countersignature (ADR 008): a PDF that a seal's holder signed offline comes
 * back online; the server checks the seal's signature (intact, chained to the CA, a certificate it
 * issued, not revoked before the claimed time) and appends its own signature as an incremental
 * update. Linking the impression to its grant fact (document hash, uses, window) is not done yet.
 */
export function countersignRoutes(api: Api, store: Store): void {
  const { ctx } = api;
  const certificates = certificatesRepo(store.couch.use(store.dbName('certificates')));
  const signer = countersigner(() => orgCaOf(ctx), ctx.config.rpName, ctx.now);

  api.route({
    method: 'POST', url: '/api/documents/countersign', tag: 'documents', auth: 'session', body: countersignBodySchema, bodyLimit: 6_200_000,
    summary: "The organisation's countersignature on a PDF a seal holder signed offline, once its signature is checked; audited",
    responses: { 200: countersignResponseSchema, 400: 'invalid_body', 401: 'unauthenticated', 403: 'forbidden | signing_disabled', 413: 'payload_too_large', 422: 'not_countersignable' },
  }, async ({ body, signedIn }) => {
    requireSigningEnabled(ctx.config);
    const pdf = new Uint8Array(Buffer.from(body.pdf, 'base64'));
    const ca = await orgCaOf(ctx);
    const mayAsk = async (record: CertificateDoc): Promise<void> => {
      if (record.holderId === signedIn.user.id || permission(signedIn.user, 'log.read', { unitId: record.unitId }, await loadUnitTree(ctx.repos.units)).ok) return;
      throw new ApiError(403, 'forbidden', "Only the certificate's holder, or someone who reads the seal's unit, may have its documents countersigned");
    };
    const outcome = await countersignPdf(pdf, ca.certificate, (serial) => certificates.get(serial), mayAsk, signer, new Date(ctx.now()));
    if (!outcome.ok) throw new ApiError(422, 'not_countersignable', `Not countersigned: ${outcome.reason}`);
    const { record } = outcome;
    const sha256 = createHash('sha256').update(outcome.pdf).digest('hex');
    await recordChange(ctx, {
      actor: actorOf(signedIn), action: 'document.countersign', target: { kind: 'signing_certificate', id: record.serial }, unitId: record.unitId,
      after: { sha256, sealId: record.sealId, signedAt: outcome.seal.signedAt ?? null },
    });
    return { pdf: Buffer.from(outcome.pdf).toString('base64'), sha256, certificate: certificateView(record), signedAt: outcome.seal.signedAt ?? null };
  });
}
