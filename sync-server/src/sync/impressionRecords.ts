import {
  electronicGrantSchema, factRowId, impressionSchema, parseRecord, sealRecordSchema, useRequestSchema,
  type ImpressionCertificate, type ImpressionRecords, type Impression, type Roster, type SyncRow,
} from '@seal/shared';
import type { CertificateDoc, CertificatesRepo } from '../couch/certificatesRepo';
import type { RecordStates } from './recordStates';
import type { RowsRepo } from './rowsRepo';

/** Where the server finds what an impression is judged against (`judgeImpression`). */
export interface ImpressionSources {
  readonly rows: RowsRepo;
  readonly records: RecordStates;
  readonly certificates: CertificatesRepo;
  roster(): Promise<Roster>;
  /** Rows accepted earlier in the same push (an electronic grant pushed with its first impression). */
  readonly pushed?: ReadonlyMap<string, SyncRow>;
}

/** Why the records to judge an impression could not be assembled. */
export interface MissingRecords {
  readonly code: 'unknown_record' | 'invalid_record';
  readonly message: string;
}

/** A certificate record as `judgeImpression` reads it. */
export const impressionCertificateOf = (doc: CertificateDoc): ImpressionCertificate => ({
  serial: doc.serial, sealId: doc.sealId, holderId: doc.holderId,
  notBefore: Date.parse(doc.notBefore), notAfter: Date.parse(doc.notAfter), revokedAt: doc.revokedAt === null ? null : Date.parse(doc.revokedAt),
});

/** The impression facts of a request the store holds (and those pushed before in this batch). */
export async function impressionsOfRequest(requestId: string, sources: Pick<ImpressionSources, 'rows' | 'pushed'>): Promise<Impression[]> {
  const rows = [...(await sources.rows.documentRows(['request', requestId])), ...(sources.pushed?.values() ?? [])].filter((r) => r.type === 'fact' && r.kind === 'impression');
  // Once per id: a row held and also accepted earlier in the push is one impression, not two uses.
  const byId = new Map<string, Impression>();
  for (const row of rows) {
    const parsed = impressionSchema.safeParse(row.type === 'fact' ? row.body : undefined);
    if (parsed.success && parsed.data.requestId === requestId) byId.set(parsed.data.id, parsed.data);
  }
  return [...byId.values()];
}

/**
 * Everything `judgeImpression` needs, from the store: the request as it stands, its seal, the
 * roster, the electronic grant the impression names, the request's other impressions, the seal's
 * lifecycle and the certificate the impression names (`null` when the CA issued none by that serial).
 */
export async function loadImpressionRecords(impression: Impression, sources: ImpressionSources): Promise<{ ok: true; value: ImpressionRecords } | { ok: false; error: MissingRecords }> {
  const missing = (code: MissingRecords['code'], message: string) => ({ ok: false as const, error: { code, message } });
  const requestState = await sources.records.get('request', impression.requestId);
  if (requestState.json === null) return missing('unknown_record', `expected request "${impression.requestId}" to be on the server first, got no such request`);
  const request = parseRecord(useRequestSchema, requestState.json, `request "${impression.requestId}" as stored`);
  if (!request.ok) return missing('invalid_record', request.error.message);
  const sealState = await sources.records.get('seal', request.value.sealId);
  const seal = parseRecord(sealRecordSchema, sealState.json, `seal "${request.value.sealId}" as stored`);
  if (!seal.ok) return missing('unknown_record', `expected seal "${request.value.sealId}" of request "${request.value.id}" on the server: ${seal.error.message}`);
  const grantRowId = factRowId('electronic_grant', impression.grantId);
  const grantRow = sources.pushed?.get(grantRowId) ?? (await sources.rows.getMany([grantRowId])).get(grantRowId);
  const grant = electronicGrantSchema.safeParse(grantRow?.type === 'fact' ? grantRow.body : undefined);
  if (!grant.success) return missing('unknown_record', `expected the electronic grant "${impression.grantId}" on the server first, got no such grant`);
  const certificate = await sources.certificates.get(impression.certificateSerial);
  return {
    ok: true,
    value: {
      request: request.value, seal: seal.value, roster: await sources.roster(), grant: grant.data,
      impressions: await impressionsOfRequest(impression.requestId, sources),
      sealChanges: (await sources.records.lifecycleOf(request.value.sealId)),
      certificate: certificate === undefined ? null : impressionCertificateOf(certificate),
    },
  };
}
