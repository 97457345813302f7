import {
  IMPRESSION_ANOMALY_CODES, judgeElectronicGrant, judgeImpression, parseRecord, sealRecordSchema, useRequestSchema,
  type ElectronicGrant, type Impression,
} from '@seal/shared';
import { loadImpressionRecords } from './impressionRecords';
import { ACCEPT, refuseRow, type PushContext, type RowVerdict } from './pushContext';

/** A pushed electronic grant, judged by the shared rule (`judgeElectronicGrant`) against the request, its seal and the roster. */
export async function judgePushedElectronicGrant(grant: ElectronicGrant, requestJson: Record<string, unknown>, ctx: PushContext): Promise<RowVerdict> {
  const request = parseRecord(useRequestSchema, requestJson, `request "${grant.requestId}" as stored`);
  if (!request.ok) return refuseRow('invalid_record', request.error.message);
  const sealState = await ctx.records.get('seal', request.value.sealId);
  if (sealState.json === null) return refuseRow('unknown_record', `expected seal "${request.value.sealId}" of request "${request.value.id}" to be on the server, got no such seal`);
  const seal = parseRecord(sealRecordSchema, sealState.json, `seal "${request.value.sealId}" as stored`);
  if (!seal.ok) return refuseRow('invalid_record', seal.error.message);
  const verdict = await judgeElectronicGrant(grant, { request: request.value, seal: seal.value, roster: await ctx.roster() });
  return verdict.ok ? ACCEPT : refuseRow(verdict.error.code, verdict.error.message);
}

/**
 * A pushed impression, judged by the shared rule (`judgeImpression`) against what the server
 * holds. A forged one (code, grant, document, certificate) is refused with the rule's code; one
 * that happened but is not authorised (`IMPRESSION_ANOMALY_CODES`: beyond uses, outside the
 * window, seal inactive, certificate expired or revoked) is kept as the fact it is — flagged by
 * `deriveRequestStatus`, never countersigned (ADR 008).
 */
export async function judgePushedImpression(impression: Impression, ctx: PushContext): Promise<RowVerdict> {
  const records = await loadImpressionRecords(impression, ctx);
  if (!records.ok) return refuseRow(records.error.code, records.error.message);
  const verdict = await judgeImpression(impression, records.value);
  if (verdict.ok || IMPRESSION_ANOMALY_CODES.includes(verdict.error.code)) return ACCEPT;
  return refuseRow(verdict.error.code, verdict.error.message);
}
