import {
  attestBundle, hashRecordHex, holdsSeal, isInSubtree, type Decision, type TreeUnit, type Units, type DeviceEvent, type EvidenceBundle, type Grant, type SealRecord, type SignedRoster, type StampEvent, type UseRequest,
} from '@seal/shared';
import type { OrgKey } from '../../auth/orgKey';
import type { EvidenceArchive } from '../../couch/evidenceArchive';
import { ApiError } from '../../http/errors';
import type { EvidenceSources } from './sources';

/** How far after a signed time record a device logs its `time_set` (as the verifier allows). */
const TIME_SET_SLACK_MS = 60_000;

/** What a bundle is made from: the store's records, the archive of what the org key signed, the key itself. */
export interface BundleMaker {
  readonly sources: EvidenceSources;
  readonly archive: EvidenceArchive;
  readonly orgKey: OrgKey;
  readonly now: () => number;
  /** The current signed roster (archiving it if it is not yet). */
  readonly currentRoster: () => Promise<SignedRoster>;
  /** The organisation's units (a seal's device must lie in its unit's subtree: see `deviceOfSeal`). */
  readonly units: () => Promise<Units<TreeUnit>>;
}

const incomplete = (message: string) => new ApiError(409, 'evidence_incomplete', message);

/**
 * The rosters a bundle needs: for each decision, the one in force when it was made (else the
 * earliest later one listing its passkey); the ones the device installed before it unlocked;
 * and the latest, which lists every revocation so far.
 */
async function rostersFor(maker: BundleMaker, decisions: readonly Decision[], log: readonly DeviceEvent[]): Promise<SignedRoster[]> {
  const latest = await maker.currentRoster();
  const all = (await maker.archive.rosters()).sort((a, b) => a.roster.version - b.roster.version);
  const chosen = new Map<number, SignedRoster>([[latest.roster.version, latest]]);
  for (const decision of decisions) {
    const inForce = all.filter((r) => r.roster.issuedAt <= decision.at).at(-1)
      ?? all.find((r) => r.roster.users.some((u) => u.credentials.some((c) => c.id === decision.assertion.credentialId)));
    if (inForce !== undefined) chosen.set(inForce.roster.version, inForce);
  }
  const installed = new Set(log.flatMap((e) => (e.type === 'roster_installed' ? [e.payload.rosterSha256] : [])));
  for (const signed of all) if (installed.has(await hashRecordHex(signed.roster))) chosen.set(signed.roster.version, signed);
  return [...chosen.values()].sort((a, b) => a.roster.version - b.roster.version);
}

/**
 * A bundle for stamps of one request on one device: the request, its seal and the device, the
 * log from genesis to the last stamp, the grants and photos, the rosters, the seal binding and
 * the time records the log shows in use; signed by the organisation key.
 */
export async function assembleBundle(maker: BundleMaker, kind: EvidenceBundle['kind'], request: UseRequest, deviceId: string, stamps: readonly StampEvent[], logEnd: number): Promise<EvidenceBundle> {
  const { sources, archive } = maker;
  const seal = await sources.seal(request.sealId);
  if (seal === undefined) throw incomplete(`The seal "${request.sealId}" of request "${request.id}" is not recorded`);
  const device = await sources.device(deviceId);
  if (device === undefined) throw incomplete(`The device "${deviceId}" is not registered: its public key is unknown`);
  const log = await sources.log(deviceId, logEnd);
  if (log.length === 0) throw incomplete(`No log of device "${deviceId}" is stored`);
  const grants: Grant[] = [];
  for (const grantId of new Set(stamps.flatMap((s) => (s.payload.grantId === null ? [] : [s.payload.grantId])))) {
    const grant = await sources.grant(grantId);
    if (grant !== undefined) grants.push(grant);
  }
  const bindings = (await archive.bindingsOf(deviceId)).filter((b) => b.record.sealId === seal.id);
  const binding = bindings.at(-1);
  if (binding === undefined) throw incomplete(`No seal binding signed for seal "${seal.id}" in device "${deviceId}" is archived (bound before bindings were archived?): bind it again`);
  const setTimes = log.flatMap((e) => (e.type === 'time_set' ? [e.at] : []));
  const timeRecords = (await archive.timeRecordsOf(deviceId)).filter((t) => setTimes.some((at) => at >= t.record.at && at - t.record.at <= TIME_SET_SLACK_MS));
  const photos = await Promise.all(stamps.map(async (s) => (s.payload.photoSha256 === null ? null : sources.photo(s.payload.photoSha256, s.deviceId))));
  return attestBundle(maker.orgKey.privateKey, {
    format: 'seal-control-evidence', version: 1, kind, exportedAt: maker.now(), orgPublicKey: maker.orgKey.publicJwk,
    request, seal, device, binding, timeRecords,
    rosters: await rostersFor(maker, grants.flatMap((g) => g.decisions), log),
    grants, log,
    stamps: stamps.map((s, i) => ({ seq: s.seq, photo: photos[i] ?? null })),
  });
}

/**
 * Where a request's evidence lies, as scope is judged over it: its seal's unit, or its own when
 * the seal is not recorded.
 */
export async function requestScopeUnit(maker: Pick<BundleMaker, 'sources'>, request: Pick<UseRequest, 'sealId' | 'unitId'>): Promise<string> {
  return (await maker.sources.seal(request.sealId))?.unitId ?? request.unitId;
}

/**
 * The evidence bundle of one stamp (`deviceId:seq`); 404 when no stamp is stored under it, 409
 * when it names no recorded request. Scope (`visible`) is judged here too, rather than trusting
 * that the callers did: a device in no unit `visible` allows gets that 404 before its entry is
 * read, and a request outside it (a device's log may name any request id) that 409 of a request
 * not recorded.
 */
export async function stampBundle(maker: BundleMaker, deviceEventId: string, visible: (unitId: string) => boolean): Promise<EvidenceBundle> {
  const notFound = new ApiError(404, 'not_found', `No stamp "${deviceEventId}" is recorded`);
  const split = deviceEventId.lastIndexOf(':');
  const deviceId = deviceEventId.slice(0, split);
  const device = await maker.sources.device(deviceId);
  if (device === undefined || !visible(device.unitId)) throw notFound;
  const entry = await maker.sources.entry(deviceId, Number(deviceEventId.slice(split + 1)));
  if (entry?.type !== 'stamp') throw notFound;
  if (entry.payload.requestId === null) throw incomplete(`Stamp "${deviceEventId}" was made without a request: there is no approval to show`);
  const recorded = await maker.sources.request(entry.payload.requestId);
  const request = recorded !== undefined && visible(await requestScopeUnit(maker, recorded)) ? recorded : undefined;
  if (request === undefined) throw incomplete(`The request "${entry.payload.requestId}" of stamp "${deviceEventId}" is not recorded`);
  return assembleBundle(maker, 'stamp', request, deviceId, [entry], entry.seq);
}

/**
 * The device a seal's record names, when the device's own record holds that seal (`holdsSeal`) and
 * lies in the seal's unit subtree: two seal records naming one device, or a seal record pointed at
 * a serial before that device was registered (older records may), must not make a log that is not
 * this seal's its evidence.
 */
export async function deviceOfSeal(maker: Pick<BundleMaker, 'sources' | 'units'>, seal: SealRecord | undefined): Promise<string | null> {
  const deviceId = seal?.form === 'physical' ? seal.deviceId : null;
  if (deviceId === null || seal === undefined) return null;
  const device = await maker.sources.device(deviceId);
  // The device's own record must say it holds this seal: a seal record alone (two of them may
  // name one device whose record was left free) does not make that device's log its evidence.
  if (device === undefined || !holdsSeal(device, seal.id)) return null;
  return isInSubtree(device.unitId, seal.unitId, await maker.units()) ? deviceId : null;
}

/** The stamps of a request in its seal's device log (all of that log is read: no index by request). */
export async function requestStamps(maker: BundleMaker, request: UseRequest): Promise<{ deviceId: string | null; stamps: StampEvent[]; head: number }> {
  const deviceId = await deviceOfSeal(maker, await maker.sources.seal(request.sealId));
  if (deviceId === null) return { deviceId, stamps: [], head: -1 };
  const head = await maker.sources.head(deviceId);
  const log = await maker.sources.log(deviceId, head);
  return { deviceId, stamps: log.filter((e): e is StampEvent => e.type === 'stamp' && e.payload.requestId === request.id), head };
}

/** The evidence bundle of a request: every stamp of it its seal's device logged. */
export async function requestBundle(maker: BundleMaker, request: UseRequest): Promise<EvidenceBundle> {
  const { deviceId, stamps, head } = await requestStamps(maker, request);
  if (deviceId === null || head < 0) throw incomplete(`Request "${request.id}": its seal is in no device, or the device's log is not stored`);
  return assembleBundle(maker, 'request', request, deviceId, stamps, stamps.at(-1)?.seq ?? head);
}
