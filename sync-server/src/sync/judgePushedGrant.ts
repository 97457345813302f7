import { judgeGrant, parseRecord, sealRecordSchema, useRequestSchema, type Grant } from '@seal/shared';
import { ACCEPT, refuseRow, type PushContext, type RowVerdict } from './pushContext';

/**
 * A pushed grant, judged by the shared rule (`judgeGrant`: the device's `judgeGrantEvidence`
 * plus the checks against records) against what the server holds: the request as it stands, its
 * seal's record and the current roster. A grant the device would refuse, or one issuing would
 * not have made from its decisions, is refused with the rule's code (`grant_*`).
 */
export async function judgePushedGrant(grant: Grant, requestJson: Record<string, unknown>, ctx: PushContext): Promise<RowVerdict> {
  const request = parseRecord(useRequestSchema, requestJson, `request "${grant.requestId}" as stored`);
  if (!request.ok) return refuseRow('invalid_record', request.error.message);
  const sealState = await ctx.records.get('seal', request.value.sealId);
  if (sealState.json === null) return refuseRow('unknown_record', `expected seal "${request.value.sealId}" of request "${request.value.id}" to be on the server, got no such seal`);
  const seal = parseRecord(sealRecordSchema, sealState.json, `seal "${request.value.sealId}" as stored`);
  if (!seal.ok) return refuseRow('invalid_record', seal.error.message);
  const verdict = await judgeGrant(grant, { request: request.value, seal: seal.value, roster: await ctx.roster() });
  return verdict.ok ? ACCEPT : refuseRow(verdict.error.code, verdict.error.message);
}
