import {
  caCertificateResponseSchema, certificateRecordResponseSchema, certificateSerialParamsSchema, fromPem, issueSigningCertificate, newSerialNumber,
  readSigningRequest, revokeCertificateBodySchema, sealLifecycleStateOf, sealRecordSchema, sealStatusTimeline, signingCertificateBodySchema,
  signingCertificateResponseSchema, toPem, hexOf, type Issuer, type SealStatusChange,
} from '@seal/shared';
import { loadUnitTree, permission } from '../../auth/scope';
import type { Store } from '../../couch/store';
import { orgCaOf } from '../../auth/orgCaLoader';
import { certificateDocId, certificatesRepo, certificateView, type CertificateDoc } from '../../couch/certificatesRepo';
import { mergeChangeRows } from '../../sync/recordStates';
import { rowsRepo } from '../../sync/rowsRepo';
import { revokeHolderCertificates } from '../../sync/revokeSealCertificates';
import type { Api } from '../api';
import { ApiError, notFound, requireSigningEnabled } from '../errors';
import { actorOf } from '../recordChange';

const DAY_MS = 86_400_000;
/** Default life of a holder's certificate (days); at most 7 (ADR 008: the longest a tablet signs offline). */
const DEFAULT_DAYS = 3;

/**
 * The organisation CA and the short-lived certificates it issues to electronic seals' holders
 * (ADR 008): the CA certificate (public), issuing one for a tablet's key, reading and revoking one.
 */
export function signingCertificateRoutes(api: Api, store: Store): void {
  const { ctx } = api;
  const rows = rowsRepo(store.couch.use(store.dbName('rows')));
  const certificatesDb = store.couch.use<object>(store.dbName('certificates'));
  const certificates = certificatesRepo(certificatesDb);
  const orgCa = (): Promise<Issuer> => orgCaOf(ctx);

  api.route({
    method: 'GET', url: '/api/documents/ca', tag: 'documents', auth: 'public',
    summary: 'The organisation CA certificate (PEM): what verifiers and pdfsig trust',
    responses: { 200: caCertificateResponseSchema },
  }, async () => ({ certificate: toPem('CERTIFICATE', (await orgCa()).certificate) }));

  api.route({
    method: 'POST', url: '/api/documents/signing-certificates', tag: 'documents', auth: 'session', body: signingCertificateBodySchema,
    summary: "A short-lived certificate for a tablet's P-256 key to sign PDFs with one electronic seal offline; audited",
    responses: {
      200: signingCertificateResponseSchema, 400: 'invalid_body | signing_request_invalid', 401: 'unauthenticated', 403: 'forbidden | signing_disabled | user_deactivated (while it was issued: revoked)',
      404: 'not_found', 409: 'seal_not_signable',
    },
  }, async ({ body, signedIn, reply }) => {
    requireSigningEnabled(ctx.config);
    const seal = sealRecordSchema.safeParse(mergeChangeRows(await rows.changesOf('seal', body.sealId)).json);
    const tree = await loadUnitTree(ctx.repos.units);
    // A seal the person may not see is answered as absent, never described.
    if (!seal.success || !permission(signedIn.user, 'request.create', { unitId: seal.data.unitId }, tree).ok) {
      if (seal.success && permission(signedIn.user, 'log.read', { unitId: seal.data.unitId }, tree).ok) {
        throw new ApiError(403, 'forbidden', `Only staff of the seal's unit may stamp with seal "${body.sealId}"`);
      }
      throw notFound(`Seal "${body.sealId}"`);
    }
    if (seal.data.form !== 'electronic') throw new ApiError(409, 'seal_not_signable', `Seal "${body.sealId}" is physical: it stamps through its device, not with a certificate`);
    const status = sealLifecycleStateOf(sealStatusTimeline((await rows.lifecycleOf(body.sealId)).map((r) => r.body as SealStatusChange))).status;
    if (status !== 'active') throw new ApiError(409, 'seal_not_signable', `Seal "${body.sealId}" is ${status ?? 'not created'}: only an active seal can sign`);
    let request;
    try {
      request = await readSigningRequest(fromPem('CERTIFICATE REQUEST', body.csr)[0]!);
    } catch (error) {
      throw new ApiError(400, 'signing_request_invalid', `The signing request was refused: ${(error as Error).message}`);
    }
    const issuer = await orgCa();
    const now = ctx.now();
    const serial = newSerialNumber();
    const notBefore = new Date(now - 5 * 60_000); // a tablet clock a few minutes behind still signs
    const notAfter = new Date(now + (body.days ?? DEFAULT_DAYS) * DAY_MS);
    const der = await issueSigningCertificate(issuer, request, {
      serialNumber: serial, notBefore, notAfter,
      subject: { commonName: seal.data.name, organization: ctx.config.rpName, serialNumber: seal.data.id },
    });
    const doc: CertificateDoc = {
      type: 'signing-certificate', serial: hexOf(serial), sealId: seal.data.id, holderId: signedIn.user.id, unitId: seal.data.unitId,
      notBefore: notBefore.toISOString(), notAfter: notAfter.toISOString(), issuedAt: new Date(now).toISOString(), revokedAt: null, revocationReason: null,
      pem: toPem('CERTIFICATE', der),
    };
    await ctx.changes.commit((tx) => {
      tx.write('certificates', certificateDocId(doc.serial), doc);
      return { result: doc, audit: [{ actor: actorOf(signedIn), action: 'signing_certificate.issue', target: { kind: 'signing_certificate', id: doc.serial }, unitId: doc.unitId, after: certificateView(doc) }] };
    });
    // A deactivation, a role taken back or the seal leaving `active` while this was issued revoked
    // the certificates live then, not this one: read again now that it is stored, it is revoked
    // here if any of them landed (either this read sees it, or it saw the stored certificate).
    const [holder, lifecycle] = await Promise.all([ctx.repos.users.get(signedIn.user.id), rows.lifecycleOf(body.sealId)]);
    const sealNow = sealLifecycleStateOf(sealStatusTimeline(lifecycle.map((r) => r.body as SealStatusChange))).status;
    const refusal = !holder?.active
      ? new ApiError(403, 'user_deactivated', 'This account was deactivated while the certificate was issued: it is revoked')
      : !permission(holder, 'request.create', { unitId: seal.data.unitId }, await loadUnitTree(ctx.repos.units)).ok
        ? new ApiError(403, 'forbidden', `The role to stamp with seal "${body.sealId}" was taken back while the certificate was issued: it is revoked`)
        : sealNow !== 'active'
          ? new ApiError(409, 'seal_not_signable', `Seal "${body.sealId}" became ${sealNow ?? 'unknown'} while the certificate was issued: it is revoked`)
          : undefined;
    if (refusal) {
      await revokeHolderCertificates(certificatesDb, ctx.changes, signedIn.user.id, (held) => held.serial !== doc.serial, `${refusal.code} while issued`, { system: true }, ctx.now());
      throw refusal;
    }
    reply.header('cache-control', 'no-store');
    return { record: certificateView(doc), certificate: doc.pem, chain: [toPem('CERTIFICATE', issuer.certificate)] };
  });

  api.route({
    method: 'GET', url: '/api/documents/signing-certificates/:serial', tag: 'documents', auth: 'public', params: certificateSerialParamsSchema,
    summary: 'A signing certificate the CA issued: its seal, validity and revocation (for /verify)',
    responses: { 200: certificateRecordResponseSchema, 400: 'invalid_query', 404: 'not_found' },
  }, async ({ params }) => {
    const found = await certificates.get(params.serial);
    if (!found) throw notFound(`Certificate "${params.serial}"`);
    return { record: certificateView(found) };
  });

  api.route({
    method: 'POST', url: '/api/documents/signing-certificates/:serial/revoke', tag: 'documents', auth: 'session',
    params: certificateSerialParamsSchema, body: revokeCertificateBodySchema,
    summary: "Revoke a signing certificate (admin or custodian of the seal's unit, or its holder); audited",
    responses: { 200: certificateRecordResponseSchema, 400: 'invalid_body', 401: 'unauthenticated', 403: 'forbidden', 404: 'not_found', 409: 'conflict' },
  }, async ({ params, body, signedIn }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    const seen = await certificates.get(params.serial);
    const mayRead = seen !== undefined && (seen.holderId === signedIn.user.id || permission(signedIn.user, 'log.read', { unitId: seen.unitId }, tree).ok);
    if (!seen || !mayRead) throw notFound(`Certificate "${params.serial}"`);
    const mayRevoke = seen.holderId === signedIn.user.id || permission(signedIn.user, 'seal.update', { unitId: seen.unitId }, tree).ok;
    if (!mayRevoke) throw new ApiError(403, 'forbidden', "Only an admin or custodian of the seal's unit, or the certificate's holder, may revoke it");
    const after = await ctx.changes.commit(async (tx) => {
      const held = await tx.read<CertificateDoc>('certificates', certificateDocId(params.serial));
      if (!held) throw notFound(`Certificate "${params.serial}"`);
      if (held.revokedAt !== null) throw new ApiError(409, 'conflict', `Certificate "${params.serial}" was already revoked at ${held.revokedAt}`);
      const next: CertificateDoc = { ...held, revokedAt: new Date(ctx.now()).toISOString(), revocationReason: body.reason };
      tx.write('certificates', certificateDocId(params.serial), next);
      return { result: next, audit: [{ actor: actorOf(signedIn), action: 'signing_certificate.revoke', target: { kind: 'signing_certificate', id: params.serial }, unitId: held.unitId, before: certificateView(held), after: certificateView(next) }] };
    });
    return { record: certificateView(after) };
  });
}
