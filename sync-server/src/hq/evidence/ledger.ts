import { deviceEventId, verifyBundle, type SealLedgerResponse } from '@seal/shared';
import { ApiError } from '../../http/errors';
import { deviceOfSeal, requestBundle, requestScopeUnit, type BundleMaker } from './bundles';

/**
 * A seal's ledger over a period (by the device's clock): every entry its device logged then, and
 * for each request stamped then, the verdict of that request's evidence bundle (`verifyBundle`
 * under the organisation key, as anyone would run it) with what failed and what to look at.
 * Scope (`visible`: whether the caller may read a unit) is judged first: a seal outside it is
 * answered with the 404 of a seal not recorded, and a request stamped on its device but outside
 * it (a log may name any request id) as a request not recorded, its bundle never assembled.
 */
export async function sealLedger(maker: BundleMaker, sealId: string, from: number | undefined, to: number | undefined, visible: (unitId: string) => boolean): Promise<SealLedgerResponse> {
  const seal = await maker.sources.seal(sealId);
  if (seal === undefined || !visible(seal.unitId)) throw new ApiError(404, 'not_found', `No seal "${sealId}" is recorded`);
  const deviceId = await deviceOfSeal(maker, seal);
  const base = { sealId: seal.id, deviceId, from: from ?? null, to: to ?? null };
  if (deviceId === null) return { ...base, entries: [], requests: [], stampsWithoutRequest: 0 };
  const log = await maker.sources.log(deviceId, await maker.sources.head(deviceId));
  const inPeriod = log.filter((e) => (from === undefined || e.at >= from) && (to === undefined || e.at <= to));
  const entries = inPeriod.map((e) => ({
    deviceEventId: deviceEventId(e), seq: e.seq, at: e.at, type: e.type,
    requestId: 'requestId' in e.payload ? e.payload.requestId : null,
    useIndex: e.type === 'stamp' ? e.payload.useIndex : null,
  }));
  const stamps = inPeriod.filter((e) => e.type === 'stamp');
  const requestIds = [...new Set(stamps.flatMap((e) => (e.type === 'stamp' && e.payload.requestId !== null ? [e.payload.requestId] : [])))];
  const requests: SealLedgerResponse['requests'] = [];
  for (const requestId of requestIds) {
    const count = stamps.filter((e) => e.type === 'stamp' && e.payload.requestId === requestId).length;
    const recorded = await maker.sources.request(requestId);
    const request = recorded !== undefined && visible(await requestScopeUnit(maker, recorded)) ? recorded : undefined;
    if (request === undefined) {
      requests.push({ requestId, stamps: count, valid: false, failed: ['records.request'], warnings: [`request "${requestId}" is not recorded`] });
      continue;
    }
    try {
      const report = await verifyBundle(await requestBundle(maker, request), maker.orgKey.publicJwk);
      requests.push({
        requestId, stamps: count, valid: report.valid,
        failed: [...new Set(report.checks.filter((c) => !c.ok).map((c) => c.check))],
        warnings: report.checks.filter((c) => c.warning).map((c) => `${c.check} ${c.subject}: ${c.detail}`),
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      requests.push({ requestId, stamps: count, valid: false, failed: [error.code], warnings: [error.message] });
    }
  }
  const stampsWithoutRequest = stamps.filter((e) => e.type === 'stamp' && e.payload.requestId === null).length;
  return { ...base, entries, requests, stampsWithoutRequest };
}
