/**
 * The honest part of a generated HQ history (test-only): an organisation of branches and sites,
 * devices with real P-256 keys whose every log entry is signed and chained, people, seals bound
 * to the devices, and builders for a day's request, approval, grant and unlock session.
 */
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { generateOrgKeyPair, type OrgKeyPair } from '../../crypto/generateOrgKeyPair';
import { signRecord } from '../../crypto/signRecord';
import { canonicalBytes, hashRecordHex } from '../../encoding/canonical';
import { contentId } from '../../domain/contentId';
import { decisionPayload, type Decision } from '../../domain/decision';
import { deviceEventHash, GENESIS_PREV_HASH, type DeviceEventOf, type DeviceEventType, type UnsignedDeviceEvent } from '../../domain/deviceEvent';
import { grantBody, type Grant } from '../../domain/grant';
import { asId, decisionIdSchema, deviceIdSchema, grantIdSchema, requestIdSchema, sealIdSchema, unitIdSchema, userIdSchema, type DeviceId, type UnitId, type UserId } from '../../domain/ids';
import type { PhysicalSeal } from '../../domain/seal';
import type { UseRequest } from '../../domain/useRequest';
import type { HistoryDeviceEntry, HistoryPhoto } from './anomaly';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
/** Monday 2 March 2026, 00:00 in China (+08:00): day 0 of every generated history. */
export const HISTORY_T0 = Date.UTC(2026, 2, 1, 16, 0);
/** `day` at `hh:mm` China time. */
export const localTime = (day: number, hh: number, mm = 0): number => HISTORY_T0 + day * DAY + hh * HOUR + mm * MINUTE;
/** Monday–Friday of `weeks` weeks. */
export const workingDays = (weeks: number): number[] => Array.from({ length: weeks * 7 }, (_, d) => d).filter((d) => d % 7 < 5);

/** A seeded random source (pure-rand). */
export class Dice {
  private readonly rng;
  constructor(seed: number) { this.rng = xoroshiro128plus(seed); }
  int(from: number, to: number): number { return uniformInt(this.rng, from, to); }
  chance(percent: number): boolean { return this.int(1, 100) <= percent; }
}

/** One device's log as written: signed, chained entries; rewinding makes a fork (a rolled-back store). */
export class DeviceLogWriter {
  readonly held: HistoryDeviceEntry[] = [];
  private readonly hashes: string[] = [];
  private seq = 0;
  constructor(readonly id: DeviceId, private readonly key: OrgKeyPair) {}

  get nextSeq(): number { return this.seq; }

  async append<T extends DeviceEventType>(type: T, payload: DeviceEventOf<T>['payload'], at: number, receivedAt = at + 3 * HOUR): Promise<DeviceEventOf<T>> {
    const body = { deviceId: this.id, seq: this.seq, prevHash: this.seq === 0 ? GENESIS_PREV_HASH : this.hashes[this.seq - 1]!, at, type, payload } as UnsignedDeviceEvent;
    const event = { ...body, signature: await signRecord(this.key.privateKey, body) };
    this.hashes[this.seq] = await deviceEventHash(event);
    this.seq += 1;
    this.held.push({ event, receivedAt });
    return event as DeviceEventOf<T>;
  }

  /** The device's storage rolled back: the next entry is written at `seq` again, chained to entry `seq − 1`. */
  rewindTo(seq: number): void { this.seq = seq; this.hashes.length = seq; }
}

export interface WorldSite { readonly unitId: UnitId; readonly branchId: UnitId; readonly staff: readonly UserId[] }
export interface WorldDevice {
  readonly id: DeviceId;
  readonly site: WorldSite;
  readonly seal: PhysicalSeal;
  readonly key: OrgKeyPair;
  readonly log: DeviceLogWriter;
  readonly approver: UserId;
}

export interface WorldShape {
  readonly branches: number;
  readonly sitesPerBranch: number;
  readonly devicesPerSite: number;
  /** The unit id of each site, in order (default `B1-S1`, `B1-S2`…), e.g. a test server's units. */
  readonly siteUnits?: readonly string[];
}

/** Builds the organisation: `HQ` → branches `B1…` → sites `B1-S1…`, three staff per site, an approver and a custodian per branch. */
export async function buildWorld(shape: WorldShape): Promise<{ devices: WorldDevice[]; people: UserId[] }> {
  const devices: WorldDevice[] = [];
  const people: UserId[] = [asId(userIdSchema, 'hq-admin'), asId(userIdSchema, 'hq-auditor')];
  for (let b = 1; b <= shape.branches; b++) {
    const branchId = asId(unitIdSchema, `B${b}`);
    const approver = asId(userIdSchema, `B${b}-approver`);
    const custodian = asId(userIdSchema, `B${b}-custodian`);
    people.push(approver, custodian);
    for (let s = 1; s <= shape.sitesPerBranch; s++) {
      const unitId = asId(unitIdSchema, shape.siteUnits?.[(b - 1) * shape.sitesPerBranch + s - 1] ?? `B${b}-S${s}`);
      const staff = [1, 2, 3].map((n) => asId(userIdSchema, `${unitId}-staff${n}`));
      people.push(...staff);
      const site: WorldSite = { unitId, branchId, staff };
      for (let d = 1; d <= shape.devicesPerSite; d++) {
        const id = asId(deviceIdSchema, `${unitId}-dev${d}`);
        const seal: PhysicalSeal = {
          id: asId(sealIdSchema, `${unitId}-seal${d}`), name: `${unitId} 合同专用章 ${d}`, kind: 'contract', form: 'physical', unitId,
          custodianId: custodian, status: 'active', createdAt: HISTORY_T0 - 30 * DAY, antiCounterfeitCode: '3301020012345', deviceId: id,
        };
        const key = await generateOrgKeyPair();
        devices.push({ id, site, seal, key, log: new DeviceLogWriter(id, key), approver });
      }
    }
  }
  return { devices, people };
}

/** What the generator holds besides the logs: requests, decisions, grants, photos. */
export class HistoryFacts {
  readonly requests: UseRequest[] = [];
  readonly decisions: Decision[] = [];
  readonly grants: Grant[] = [];
  readonly photos: HistoryPhoto[] = [];
  /** The bytes held under each photo's name (a corrupt photo's differ from what the name hashes). */
  readonly photoBytes = new Map<string, Uint8Array>();
  private photoCount = 0;

  /** A request for `uses` stamps on `device`'s seal in `[from, to]`, approved by the branch approver, and its grant. */
  async approvedRequest(device: WorldDevice, id: string, uses: number, from: number, to: number, holder: UserId): Promise<{ request: UseRequest; grant: Grant }> {
    const request: UseRequest = {
      id: asId(requestIdSchema, id), requesterId: holder, unitId: device.site.unitId, sealId: device.seal.id,
      document: { title: `合同 ${id}`, sha256: await hashRecordHex({ document: id }), pages: 3 }, copies: uses,
      purpose: '项目合同用印', usesRequested: uses, window: { notBefore: from, notAfter: to }, place: { unitId: device.site.unitId }, createdAt: from - 2 * HOUR,
    };
    const decision: Decision = {
      id: asId(decisionIdSchema, `d-${device.approver}-${id}`), approverId: device.approver, payload: decisionPayload(request, 'approve'),
      assertion: { credentialId: `cred-${device.approver}`, authenticatorData: 'SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAQ', clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0', signature: 'MEUCIQDx' },
      at: from - HOUR,
    };
    const body = grantBody(request, device.seal, [decision]);
    if (!body.ok) throw new Error(body.error.message);
    const grant: Grant = { ...body.value, id: asId(grantIdSchema, await contentId(body.value)) };
    this.requests.push(request);
    this.decisions.push(decision);
    this.grants.push(grant);
    return { request, grant };
  }

  /** A fresh photo hash of a stamp of `deviceId`; held for that device (with matching bytes) unless told otherwise. */
  async photo(deviceId: DeviceId, held: 'held' | 'missing' | 'corrupt' = 'held'): Promise<string> {
    this.photoCount += 1;
    const sha256 = await hashRecordHex({ photo: this.photoCount });
    if (held === 'missing') return sha256;
    const content = held === 'held' ? { photo: this.photoCount } : { corrupt: this.photoCount };
    this.photos.push({ deviceId, sha256, contentSha256: await hashRecordHex(content) });
    this.photoBytes.set(sha256, canonicalBytes(content));
    return sha256;
  }
}

export interface SessionOptions {
  readonly stamps: number;
  readonly at: number;
  /** Per stamp (0-based): the grant and request it names, and what becomes of its photo. */
  readonly stampAs?: (index: number) => { grantId?: string | null; requestId?: string | null; photo?: 'held' | 'missing' | 'corrupt' };
  readonly receivedAt?: (at: number) => number;
}

/** An unlock session: grant installed, unlock, `stamps` stamps two minutes apart, lock. Returns the stamps' seqs. */
export async function writeSession(device: WorldDevice, facts: HistoryFacts, grant: Grant, options: SessionOptions): Promise<number[]> {
  const log = device.log;
  const received = options.receivedAt ?? ((at: number) => at + 3 * HOUR);
  let at = options.at;
  await log.append('grant_installed', { grantId: grant.id, requestId: grant.requestId }, at, received(at));
  at += 5 * MINUTE;
  await log.append('unlock', { grantId: grant.id, requestId: grant.requestId, holderId: grant.holderId }, at, received(at));
  const seqs: number[] = [];
  for (let i = 0; i < options.stamps; i++) {
    at += 2 * MINUTE;
    const as = options.stampAs?.(i) ?? {};
    const grantId = as.grantId === undefined ? grant.id : as.grantId === null ? null : asId(grantIdSchema, as.grantId);
    const requestId = as.requestId === undefined ? grant.requestId : as.requestId === null ? null : asId(requestIdSchema, as.requestId);
    seqs.push(log.nextSeq);
    await log.append('stamp', { requestId, grantId, useIndex: grantId === null ? null : i + 1, photoSha256: await facts.photo(device.id, as.photo) }, at, received(at));
  }
  await log.append('lock', { cause: 'holder' }, at + MINUTE, received(at + MINUTE));
  return seqs;
}
