import { createHash } from 'node:crypto';
import {
  checkPdfSignatures, ORG_COUNTERSIGNATURE_FIELD, signerSerialOf, countersignatureId, countersignImpressionBodySchema, countersignImpressionResponseSchema, factRowId, impressionParamsSchema,
  documentEnd, impressionSchema, judgeImpression, readCertificate, SERVER_AUTHOR, serialHexOf, signPdf, subjectOf,
  type ApiErrorCode, type Countersignature, type FactRow, type Impression, type Refusal, type UserId,
} from '@seal/shared';
import { buildRoster } from '../../auth/roster';
import { loadUnitTree, permission } from '../../auth/scope';
import type { Store } from '../../couch/store';
import { certificatesRepo } from '../../couch/certificatesRepo';
import { countersigner, countersignRefusal } from '../../auth/countersign';
import { orgCaOf } from '../../auth/orgCaLoader';
import { blobsRepo } from '../../sync/blobsRepo';
import { keepDocument, readDocument } from '../../sync/documentBlobs';
import { loadImpressionRecords } from '../../sync/impressionRecords';
import { RecentKeys } from '../../sync/recentKeys';
import { KeyedLocks } from '../../sync/keyedLocks';
import { countersignWithdrawn } from '../../sync/requestStanding';
import { stampedAsRecorded } from '../../sync/stampedAsRecorded';
import { RecordStates } from '../../sync/recordStates';
import { rowsRepo } from '../../sync/rowsRepo';
import type { Api } from '../api';
import { ApiError, notFound, requireSigningEnabled } from '../errors';
import { perUserLimit } from '../perUserLimit';
import { recordChange, actorOf } from '../recordChange';

const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const MINUTE = 60_000;
/** How long a refused drawing's verdict is remembered per (impression, signed PDF): the seal's look or the origins could change. */
const VERDICT_MS = 60 * MINUTE;

/** What drawing found for an impression and signed PDF it refused, for {@link VERDICT_MS}: asked again, it is not drawn again. */
function refusedDrawings() {
  const seen = new Map<string, { readonly at: number; readonly refusal: Refusal<ApiErrorCode> }>();
  return {
    /** The refusal remembered, its message saying when it was found (this PDF is not drawn again). */
    get: (id: string, sha: string, now: number): Refusal<ApiErrorCode> | undefined => {
      const held = seen.get(`${id}\n${sha}`);
      if (held === undefined || now - held.at >= VERDICT_MS) return undefined;
      return { code: held.refusal.code, message: `${held.refusal.message} (as found when this PDF was drawn at ${new Date(held.at).toISOString()}: it is not drawn again)` };
    },
    note: (id: string, sha: string, now: number, refusal: Refusal<ApiErrorCode>): Refusal<ApiErrorCode> => {
      seen.delete(`${id}\n${sha}`);
      seen.set(`${id}\n${sha}`, { at: now, refusal });
      while (seen.size > 10_000) seen.delete(seen.keys().next().value as string);
      return refusal;
    },
  };
}

/** The PDF's /M has whole seconds; the impression's claimed time is in ms. */
const CLOCK_SLACK_MS = 1_000;

/**
 * The organisation's countersignature of an impression (ADR 008): the holder's tablet signed the
 * PDF offline and pushed the impression fact; back online it sends the signed PDF. The server
 * checks that these are the bytes the impression recorded, the seal's signature (intact, chained
 * to the CA, by the certificate the impression names, not revoked before the claimed time), and
 * the impression itself by the shared rule (`judgeImpression`: grant, approved document, window,
 * uses, seal active, certificate of that seal and holder), and that the PDF adds to the approved
 * document nothing but the impression its recorded layout draws (`judgeStampedPdf`: the approved
 * bytes stamped again here must give this very PDF, but for the signature's value). Then it appends its countersignature,
 * keeps the countersigned PDF as a blob, and records its hash in a `countersignature` fact. Every
 * outcome is audited; a refusal answers the rule's code, never a 5xx.
 */
export function countersignRoutes(api: Api, store: Store): void {
  const { ctx } = api;
  const rows = rowsRepo(store.couch.use(store.dbName('rows')));
  const blobs = blobsRepo(store.couch.use(store.dbName('blobs')));
  const certificates = certificatesRepo(store.couch.use(store.dbName('certificates')));
  const signer = countersigner(() => orgCaOf(ctx), ctx.config.rpName, ctx.now);
  const countersignLocks = new KeyedLocks();
  const refusalsAudited = new RecentKeys(60 * 60_000, 10_000);
  const limitCountersigns = perUserLimit(ctx.config.authRateLimitPerMinute, ctx.now, 'countersignings asked');
  const drawnRefusals = refusedDrawings();

  api.route({
    method: 'POST', url: '/api/documents/impressions/:id/countersign', tag: 'documents', auth: 'session',
    params: impressionParamsSchema, body: countersignImpressionBodySchema, bodyLimit: 6_200_000,
    summary: "The organisation's countersignature on the PDF an impression recorded, once the impression, its grant and the seal's signature are checked; audited",
    responses: {
      200: countersignImpressionResponseSchema, 400: 'invalid_body', 401: 'unauthenticated', 403: 'signing_disabled', 404: 'not_found', 413: 'payload_too_large',
      429: 'rate_limited (more than AUTH_RATE_LIMIT countersignings asked by one user in a minute)',
      422: 'pdf_mismatch | not_countersignable | pdf_not_as_stamped (it adds more than the impression its layout draws, or the layout is out of bounds) | pdf_ambiguous (the approved document reads differently by its cross-reference table and by a front-to-back parse) | impression_* (the judgeImpression code)',
    },
  }, async ({ params, body, signedIn }) => {
    requireSigningEnabled(ctx.config);
    limitCountersigns(signedIn.user.id);
    const row = (await rows.getMany([factRowId('impression', params.id)])).get(factRowId('impression', params.id));
    const parsed = impressionSchema.safeParse(row?.type === 'fact' ? row.body : undefined);
    const tree = await loadUnitTree(ctx.repos.units);
    const mayAsk = parsed.success && row !== undefined && (parsed.data.holderId === signedIn.user.id || permission(signedIn.user, 'log.read', { unitId: row.scopeUnitId }, tree).ok);
    // An impression the person may not see is answered as absent.
    if (!parsed.success || !row || !mayAsk) throw notFound(`Impression "${params.id}"`);
    const impression: Impression = parsed.data;
    // One countersigning at a time per request: two impressions judged side by side would each
    // find the other's use free and both be countersigned.
    return countersignLocks.run([impression.requestId], async () => {
      const unitId = row.scopeUnitId;
      const audit = (action: string, after: unknown) => recordChange(ctx, { actor: actorOf(signedIn), action, target: { kind: 'impression', id: impression.id }, unitId, after });
      // A refusal is audited once an hour per impression and code: a holder looping on one
      // refusal (a changed file sent again and again) would otherwise grow the audit chain without
      // bound and crowd out administrators' appends.
      const refuse = async (code: ApiErrorCode, message: string): Promise<never> => {
        const key = `${impression.id}\n${code}`;
        if (!refusalsAudited.has(key, ctx.now())) {
          await audit('document.countersign_refused', { code, message });
          refusalsAudited.note(key, ctx.now());
        }
        throw new ApiError(422, code, `Not countersigned: ${message}`);
      };

      const pdf = new Uint8Array(Buffer.from(body.pdf, 'base64'));
      const sha = sha256Hex(pdf);
      if (sha !== impression.signedSha256) return refuse('pdf_mismatch', `this PDF (SHA-256 ${sha}) is not the one impression ${impression.verificationCode} recorded (${impression.signedSha256}): a byte differs`);

      const held = (await rows.documentRows(['countersignature', impression.id]))[0];
      if (held) return answerHeld(held, impression);

      const ca = await orgCaOf(ctx);
      const checks = await checkPdfSignatures(pdf, [ca.certificate]).catch((error: unknown) => refuse('not_countersignable', `the file is not a readable PDF: ${(error as Error).message}`));
      const record = await certificates.get(impression.certificateSerial);
      const reason = countersignRefusal(checks, record);
      if (reason !== undefined) return refuse('not_countersignable', reason);
      const seal = checks[0]!;
      const serial = signerSerialOf(seal);
      if (serial !== impression.certificateSerial) return refuse('not_countersignable', `the PDF is signed with certificate ${serial ?? '(none)'}, the impression names ${impression.certificateSerial}`);
      // The approved document's bytes, as they were, must be the file's first revision (the
      // seal's marks and signature appended after): the impression's source hash is only a claim.
      const sourceLength = await documentEnd(pdf, impression.sourceSha256, seal.byteRange[1] ?? pdf.length, await blobs.completeSize(impression.sourceSha256));
      if (sourceLength === undefined) {
        return refuse('not_countersignable', `this PDF does not begin with the approved document (SHA-256 ${impression.sourceSha256}) as it was: the seal must be applied to the approved file itself`);
      }
      const signedAt = seal.signedAt === undefined ? Number.NaN : Date.parse(seal.signedAt);
      if (!(Math.abs(signedAt - impression.claimedAt) <= CLOCK_SLACK_MS)) return refuse('not_countersignable', `the signature's time ${seal.signedAt ?? '(none)'} is not the impression's claimed time ${new Date(impression.claimedAt).toISOString()}`);

      const records = await loadImpressionRecords(impression, { rows, records: new RecordStates(rows), certificates, roster: () => buildRoster(ctx.repos, ctx.config, ctx.orgKey, ctx.now()) });
      if (!records.ok) return refuse('not_countersignable', records.error.message);
      const judged = await judgeImpression(impression, records.value);
      if (!judged.ok) return refuse(judged.error.code, judged.error.message);
      const withdrawn = await countersignWithdrawn(impression, records.value, rows);
      if (withdrawn !== undefined) return refuse('not_countersignable', withdrawn);
      // Last, being the dearest: the later revisions add nothing but the impression (nothing paints over, replaces or adds content).
      const remembered = drawnRefusals.get(impression.id, sha, ctx.now());
      if (remembered !== undefined) return refuse(remembered.code, remembered.message);
      const drawn = await stampedAsRecorded(pdf, impression, { sourceLength, seal: records.value.seal, unitName: (id) => tree.get(id as never)?.name ?? '', origins: ctx.config.origins });
      if (!drawn.ok) return refuse(drawn.error.code, drawnRefusals.note(impression.id, sha, ctx.now(), drawn.error).message);

      const now = ctx.now();
      const countersigning = await signer();
      const countersigned = await signPdf(pdf, countersigning, { name: ORG_COUNTERSIGNATURE_FIELD, signedAt: new Date(now), reason: `Impression ${impression.verificationCode}: grant ${impression.grantId} and signature checked` });
      const countersignedSha256 = sha256Hex(countersigned);
      await keepDocument(blobs, countersignedSha256, countersigned);
      const fact: Countersignature = {
        id: countersignatureId(impression.id), impressionId: impression.id, requestId: impression.requestId, sealId: impression.sealId,
        signedSha256: impression.signedSha256, countersignedSha256, countersignerSerial: serialHexOf(readCertificate(countersigning.certificate)), at: now,
      };
      const factRow: FactRow = {
        id: factRowId('countersignature', fact.id), type: 'fact', kind: 'countersignature', subject: subjectOf('request', impression.requestId),
        scopeUnitId: row.scopeUnitId, author: SERVER_AUTHOR as UserId, createdAt: now, body: fact,
      };
      const [outcome] = await rows.createMany([factRow]);
      if (outcome !== 'written') {
        // Another instance countersigned it meanwhile: its countersignature is the one on record.
        const winner = (await rows.documentRows(['countersignature', impression.id]))[0];
        if (winner) return answerHeld(winner, impression);
      }
      await audit('document.countersign', { countersignedSha256, signedSha256: impression.signedSha256, grantId: impression.grantId, certificateSerial: impression.certificateSerial, ordinal: judged.value.ordinal });
      return { impressionId: impression.id, sha256: countersignedSha256, pdf: Buffer.from(countersigned).toString('base64'), countersignedAt: new Date(now).toISOString() };
    });
  });

  /** The countersignature already on record, with its kept PDF (a retry, or another instance's). */
  async function answerHeld(held: FactRow, impression: Impression) {
    const fact = held.body as unknown as Countersignature;
    const bytes = await findKept(fact.countersignedSha256);
    if (!bytes) throw new ApiError(404, 'not_found', `Impression ${impression.verificationCode} was countersigned, but its countersigned PDF is not held yet`);
    return { impressionId: impression.id, sha256: fact.countersignedSha256, pdf: Buffer.from(bytes).toString('base64'), countersignedAt: new Date(fact.at).toISOString() };
  }

  async function findKept(sha: string): Promise<Uint8Array | undefined> {
    const doc = await store.couch.use<{ size?: number }>(store.dbName('blobs')).get(`blob:${sha}`).catch(() => undefined);
    return typeof doc?.size === 'number' ? readDocument(blobs, sha, doc.size) : undefined;
  }
}
