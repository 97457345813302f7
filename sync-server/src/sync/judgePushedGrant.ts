import { judgeGrant, ok, parseRecord, refuse, sealRecordSchema, useRequestSchema, type Grant, type GrantRecords, type Refusal, type Result, type SyncRefusalCode } from '@seal/shared';
import { ACCEPT, refuseRow, type PushContext, type RowVerdict } from './pushContext';

/** The records a pushed grant (device or electronic) is judged against: the request as stored, its seal's record and the current roster. */
export async function storedGrantRecords(requestId: string, requestJson: Record<string, unknown>, ctx: PushContext): Promise<Result<GrantRecords, Refusal<SyncRefusalCode>>> {
  const request = parseRecord(useRequestSchema, requestJson, `request "${requestId}" as stored`);
  if (!request.ok) return refuse('invalid_record', request.error.message);
  const sealState = await ctx.records.get('seal', request.value.sealId);
  if (sealState.json === null) return refuse('unknown_record', `expected seal "${request.value.sealId}" of request "${request.value.id}" to be on the server, got no such seal`);
  const seal = parseRecord(sealRecordSchema, sealState.json, `seal "${request.value.sealId}" as stored`);
  if (!seal.ok) return refuse('invalid_record', seal.error.message);
  return ok({ request: request.value, seal: seal.value, roster: await ctx.roster() });
}

/**
 * A pushed grant, judged by the shared rule (`judgeGrant`: the device's `judgeGrantEvidence`
 * plus the checks against records) against what the server holds: the request as it stands, its
 * seal's record and the current roster. A grant the device would refuse, or one issuing would
 * not have made from its decisions, is refused with the rule's code (`grant_*`).
 */
export async function judgePushedGrant(grant: Grant, requestJson: Record<string, unknown>, ctx: PushContext): Promise<RowVerdict> {
  const records = await storedGrantRecords(grant.requestId, requestJson, ctx);
  if (!records.ok) return records;
  const verdict = await judgeGrant(grant, records.value);
  return verdict.ok ? ACCEPT : refuseRow(verdict.error.code, verdict.error.message);
}
