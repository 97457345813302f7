import {
  IMPRESSION_ANOMALY_CODES, judgeElectronicGrant, judgeImpression,
  type ElectronicGrant, type Impression,
} from '@seal/shared';
import { loadImpressionRecords } from './impressionRecords';
import { storedGrantRecords } from './judgePushedGrant';
import { ACCEPT, refuseRow, type PushContext, type RowVerdict } from './pushContext';

/** A pushed electronic grant, judged by the shared rule (`judgeElectronicGrant`) against the request, its seal and the roster. */
export async function judgePushedElectronicGrant(grant: ElectronicGrant, requestJson: Record<string, unknown>, ctx: PushContext): Promise<RowVerdict> {
  const records = await storedGrantRecords(grant.requestId, requestJson, ctx);
  if (!records.ok) return records;
  const verdict = await judgeElectronicGrant(grant, records.value);
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
