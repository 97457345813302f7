/**
 * A generated construction group's history, as replicated rows: headquarters, a few branches,
 * ~120 sites, dozens of smart-seal devices (one seal each), a few hundred people, weeks of use.
 * Each use is a request (an Automerge change row), one or two approvals, a grant, and the device's
 * grant_installed, unlock, stamps and lock; devices also boot, report low battery and refuse.
 * Reproducible (a seeded mulberry32). Rows are written as the store holds them; the benchmark does not
 * validate them (signatures and hashes are placeholders).
 */
import * as Automerge from '@automerge/automerge';
import { SEAL_KINDS, toBase64Url, type SyncRow } from '../shared/src';

const DAY = 86_400_000;
export const HISTORY_START = Date.UTC(2026, 9, 5, 0, 0, 0);
const SIG = 'A'.repeat(86);
const HASH = 'ab'.repeat(32);

export interface Organisation {
  readonly root: string;
  readonly branches: readonly string[];
  /** Site ids by branch. */
  readonly sites: ReadonlyMap<string, readonly string[]>;
  readonly parentOf: ReadonlyMap<string, string>;
  readonly devices: readonly { id: string; siteId: string; sealId: string; custodian: string }[];
  readonly people: readonly string[];
  readonly days: number;
}

export function organisation(devices = 60, days = 42): Organisation {
  const root = 'hq';
  const branches = ['east', 'west', 'north', 'south'];
  const sites = new Map(branches.map((b) => [b, Array.from({ length: 30 }, (_, i) => `${b}-site-${i}`)] as const));
  const parentOf = new Map<string, string>();
  for (const b of branches) parentOf.set(b, root);
  for (const [b, list] of sites) for (const s of list) parentOf.set(s, b);
  const allSites = [...sites.values()].flat();
  const people = Array.from({ length: 300 }, (_, i) => `user-${i}`);
  return {
    root, branches, sites, parentOf, people, days,
    devices: Array.from({ length: devices }, (_, i) => ({ id: `dev-${i}`, siteId: allSites[(i * 7) % allSites.length]!, sealId: `seal-${i}`, custodian: people[i]! })),
  };
}

const envelope = (id: string, subject: string, scopeUnitId: string, author: string, createdAt: number) => ({ id, subject, scopeUnitId, author, createdAt });

function change(kind: 'seal' | 'request', record: Record<string, unknown>, unitId: string, author: string): SyncRow {
  const [bytes] = Automerge.getAllChanges(Automerge.from(record));
  return { ...envelope(`change:${kind}:${String(record.id)}:${Automerge.decodeChange(bytes!).hash}`, `${kind}:${String(record.id)}`, unitId, author, record.createdAt as number), type: 'change', kind, bytes: toBase64Url(bytes!) } as unknown as SyncRow;
}

/** Generates the history in time order, `batch` rows at a time, until about `events` rows. */
export function* history(org: Organisation, events: number, batch = 2000): Generator<SyncRow[]> {
  let state = 13;
  const int = (lo: number, hi: number): number => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return lo + Math.floor((((t ^ (t >>> 14)) >>> 0) / 4294967296) * (hi - lo + 1));
  };
  let out: SyncRow[] = [];
  let made = 0;
  const emit = (row: SyncRow) => { out.push(row); made++; };
  const seq = new Map<string, number>();
  const entry = (deviceId: string, siteId: string, author: string, at: number, type: string, payload: object) => {
    const s = seq.get(deviceId) ?? 0;
    seq.set(deviceId, s + 1);
    const body = { deviceId, seq: s, prevHash: HASH, at, signature: SIG, type, payload };
    emit({ ...envelope(`fact:device_event:${deviceId}:${s}`, `device:${deviceId}`, siteId, author, at), type: 'fact', kind: 'device_event', body } as unknown as SyncRow);
  };
  for (const d of org.devices) {
    const at = HISTORY_START - DAY + int(0, 3_600_000);
    emit(change('seal', { id: d.sealId, name: `印章 ${d.sealId}`, kind: SEAL_KINDS[int(0, SEAL_KINDS.length - 1)], unitId: d.siteId, custodianId: d.custodian, createdAt: at, form: 'physical', antiCounterfeitCode: '1234567890123', deviceId: d.id }, d.siteId, d.custodian));
    entry(d.id, d.siteId, d.custodian, at + 1000, 'boot', { firmware: '1.2.0' });
    entry(d.id, d.siteId, d.custodian, at + 2000, 'seal_bound', { sealId: d.sealId });
  }
  const perDay = Math.max(1, Math.ceil(events / org.days / 9));
  let n = 0;
  for (let day = 0; made < events; day++) {
    const dayStart = HISTORY_START + (day % org.days) * DAY;
    for (let i = 0; i < perDay && made < events; i++, n++) {
      const d = org.devices[int(0, org.devices.length - 1)]!;
      const requester = org.people[int(0, org.people.length - 1)]!;
      const approver = org.people[int(0, org.people.length - 1)]!;
      const created = dayStart + Math.floor((i / perDay) * 10 * 3_600_000) + int(0, 600_000);
      const requestId = `req-${n}`;
      const uses = int(1, 4);
      emit(change('request', { id: requestId, requesterId: requester, unitId: d.siteId, sealId: d.sealId, document: { title: `合同 ${n}`, sha256: HASH, pages: 2 }, copies: uses, purpose: '分包合同签署', usesRequested: uses, window: { notBefore: created, notAfter: created + DAY }, place: { unitId: d.siteId }, createdAt: created }, d.siteId, requester));
      const decided = created + int(60_000, 4 * 3_600_000);
      const decision = { id: `dec-${n}`, approverId: approver, payload: { purpose: 'seal-use-decision', requestId, requesterId: requester, documentSha256: HASH, sealId: d.sealId, uses, window: { notBefore: created, notAfter: created + DAY }, place: { unitId: d.siteId }, verdict: int(0, 19) === 0 ? 'reject' : 'approve' }, assertion: {}, at: decided };
      emit({ ...envelope(`fact:decision:dec-${n}`, `request:${requestId}`, d.siteId, approver, decided), type: 'fact', kind: 'decision', body: decision } as unknown as SyncRow);
      if (decision.payload.verdict === 'reject') continue;
      const grantId = `grant-${n}`;
      emit({ ...envelope(`fact:grant:${grantId}`, `request:${requestId}`, d.siteId, requester, decided + 1000), type: 'fact', kind: 'grant', body: { id: grantId, requestId, sealId: d.sealId, deviceId: d.id, holderId: requester, uses, window: { notBefore: created, notAfter: created + DAY }, decisions: [decision] } } as unknown as SyncRow);
      let t = decided + int(60_000, 3_600_000);
      entry(d.id, d.siteId, d.custodian, t, 'grant_installed', { grantId, requestId });
      entry(d.id, d.siteId, d.custodian, (t += 30_000), 'unlock', { grantId, requestId, holderId: requester });
      for (let u = 1; u <= uses; u++) entry(d.id, d.siteId, d.custodian, (t += int(10_000, 120_000)), 'stamp', { requestId, grantId, useIndex: u, photoSha256: HASH });
      entry(d.id, d.siteId, d.custodian, (t += 5_000), 'lock', { cause: 'uses_exhausted' });
      if (int(0, 29) === 0) entry(d.id, d.siteId, d.custodian, t + 60_000, 'low_battery', { percent: int(5, 20) });
      if (int(0, 49) === 0) entry(d.id, d.siteId, d.custodian, t + 90_000, 'refusal', { code: 'outside_window', message: '不在授权时段', requestId, grantId });
      if (out.length >= batch) {
        yield out;
        out = [];
      }
    }
  }
  if (out.length > 0) yield out;
}
