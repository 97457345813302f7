import {
  countersignatureSchema, formatVerificationCode, impressionSchema, sealRecordSchema, useRequestSchema,
  type Impression,
} from '@seal/shared';
import { RecordStates } from './recordStates';
import type { RowsRepo } from './rowsRepo';

/** An electronic impression as the archive lists it, before names are put to people and units. */
export interface ArchivedImpression {
  readonly id: string;
  readonly requestId: string;
  /** Grouped as printed on the pages (`7KQM-2XHP-R9D`). */
  readonly code: string;
  /** The stored form, without dashes: what a search by code also matches. */
  readonly storedCode: string;
  readonly title: string;
  readonly sealId: string;
  readonly sealName: string;
  readonly unitId: string;
  readonly filedBy: string;
  readonly filedAt: number;
  readonly sha256: string;
  readonly pages: readonly number[];
  readonly countersigned: boolean;
}

/**
 * Every electronic impression the store holds, with its request's title and unit and its seal's
 * name (an impression whose request or seal is not readable is left out: the push path never
 * stores one), and whether the organisation countersigned it.
 */
export async function archivedImpressions(rows: RowsRepo): Promise<ArchivedImpression[]> {
  const records = new RecordStates(rows);
  const impressions = (await rows.impressionRows()).flatMap((row) => {
    const parsed = impressionSchema.safeParse(row.body);
    return parsed.success ? [{ rowId: row.id, impression: parsed.data }] : [];
  });
  const out: ArchivedImpression[] = [];
  for (const { rowId, impression } of impressions) {
    const entry = await archived(rowId, impression, records, rows);
    if (entry !== undefined) out.push(entry);
  }
  return out;
}

async function archived(rowId: string, impression: Impression, records: RecordStates, rows: RowsRepo): Promise<ArchivedImpression | undefined> {
  const request = useRequestSchema.safeParse((await records.get('request', impression.requestId)).json);
  const seal = sealRecordSchema.safeParse((await records.get('seal', impression.sealId)).json);
  if (!request.success || !seal.success) return undefined;
  const countersigned = (await rows.documentRows(['countersignature', impression.id])).some((row) => countersignatureSchema.safeParse(row.body).success);
  return {
    id: rowId, requestId: impression.requestId, code: formatVerificationCode(impression.verificationCode), storedCode: impression.verificationCode,
    title: request.data.document.title, sealId: impression.sealId, sealName: seal.data.name, unitId: request.data.unitId,
    filedBy: impression.holderId, filedAt: impression.claimedAt, sha256: impression.signedSha256, pages: impression.pages, countersigned,
  };
}
