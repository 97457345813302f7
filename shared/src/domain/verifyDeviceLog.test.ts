import { beforeAll, describe, expect, it } from 'vitest';
import { generateOrgKeyPair, type OrgKeyPair } from '../crypto/generateOrgKeyPair';
import { signRecord } from '../crypto/signRecord';
import { deviceEventHash, GENESIS_PREV_HASH, type DeviceEvent, type UnsignedDeviceEvent } from './deviceEvent';
import { asId, deviceIdSchema, type DeviceId } from './ids';
import { verifyDeviceLog } from './verifyDeviceLog';

const DEVICE: DeviceId = asId(deviceIdSchema, 'dev-1');
let key: OrgKeyPair;
let other: OrgKeyPair;

const sign = async (body: UnsignedDeviceEvent, with_ = key): Promise<DeviceEvent> => ({ ...body, signature: await signRecord(with_.privateKey, body) });

/** A well-formed chain of `n` low-battery entries starting at `from` after `prevHash`. */
async function chain(n: number, from = 0, prevHash = GENESIS_PREV_HASH, percent = 10): Promise<DeviceEvent[]> {
  const out: DeviceEvent[] = [];
  for (let seq = from; seq < from + n; seq++) {
    const previous = out.at(-1);
    const body: UnsignedDeviceEvent = { deviceId: DEVICE, seq, prevHash: previous ? await deviceEventHash(previous) : prevHash, at: 1_000 + seq, type: 'low_battery', payload: { percent } };
    out.push(await sign(body));
  }
  return out;
}

beforeAll(async () => {
  key = await generateOrgKeyPair();
  other = await generateOrgKeyPair();
});

describe('verifyDeviceLog', () => {
  it('accepts a clean chain, in any order and with copies, and returns its head', async () => {
    const log = await chain(5);
    const result = await verifyDeviceLog([log[3], log[0], log[4], log[1], log[2], log[2]], key.publicJwk);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.entries.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4]);
    expect(result.value.head).toEqual({ seq: 4, hash: await deviceEventHash(log[4]!) });
  });

  it('continues a batch from the head the verifier holds', async () => {
    const log = await chain(6);
    const head = await deviceEventHash(log[2]!);
    expect((await verifyDeviceLog(log.slice(3), key.publicJwk, { expectedFromSeq: 3, expectedPrevHash: head })).ok).toBe(true);
    const wrongBase = await verifyDeviceLog(log.slice(3), key.publicJwk, { expectedFromSeq: 3, expectedPrevHash: 'ab'.repeat(32) });
    expect(wrongBase.ok ? [] : wrongBase.error.problems.map((p) => [p.kind, p.seq])).toEqual([['fork', 3]]);
  });

  it('detects a tampered entry (altered after signing: hash mismatch with its successor)', async () => {
    const log = await chain(4);
    const altered = { ...log[1]!, payload: { percent: 90 } } as DeviceEvent;
    const result = await verifyDeviceLog([log[0], altered, log[2], log[3]], key.publicJwk);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('tampered');
    expect(result.error.problems.map((p) => [p.kind, p.seq, p.alarmKind])).toEqual([['tampered', 1, 'bad_signature']]);
    expect(result.error.trusted.entries.map((e) => e.seq)).toEqual([0]);
  });

  it('detects a bad signature (another key signed the head)', async () => {
    const log = await chain(2);
    const forged = await sign({ deviceId: DEVICE, seq: 2, prevHash: await deviceEventHash(log[1]!), at: 5, type: 'low_battery', payload: { percent: 1 } }, other);
    const result = await verifyDeviceLog([...log, forged], key.publicJwk);
    expect(result.ok ? [] : result.error.problems.map((p) => [p.kind, p.seq])).toEqual([['bad_signature', 2]]);
  });

  it('detects a removed entry (gap) and a missing start', async () => {
    const log = await chain(6);
    const result = await verifyDeviceLog([log[0], log[1], log[4], log[5]], key.publicJwk);
    expect(result.ok ? [] : result.error.problems.map((p) => [p.kind, p.seq, p.alarmKind])).toEqual([['gap', 2, 'log_gap']]);
    if (!result.ok) expect(result.error.trusted.head?.seq).toBe(1);
    const late = await verifyDeviceLog(log.slice(1), key.publicJwk);
    expect(late.ok ? [] : late.error.problems.map((p) => [p.kind, p.seq])).toEqual([['gap', 0]]);
  });

  it('crosses a gap of any width in one step: an entry claiming seq 10^14 is a gap, found at once', async () => {
    const log = await chain(3);
    const far = await sign({ deviceId: DEVICE, seq: 1e14, prevHash: 'ab'.repeat(32), at: 9, type: 'low_battery', payload: { percent: 5 } });
    const beyond = await sign({ deviceId: DEVICE, seq: 1e14 + 1, prevHash: await deviceEventHash(far), at: 10, type: 'low_battery', payload: { percent: 4 } });
    const result = await verifyDeviceLog([...log, far, beyond], key.publicJwk);
    expect(result.ok ? [] : result.error.problems.map((p) => [p.kind, p.seq, p.message])).toEqual([['gap', 3, `entries 3–${1e14 - 1} are missing`]]);
    if (!result.ok) expect(result.error.trusted.head?.seq).toBe(2);
  });

  it('detects a fork: two signed entries for one seq, and a prevHash that does not match', async () => {
    const log = await chain(3);
    const branch = await chain(2, 1, await deviceEventHash(log[0]!), 55); // same seqs 1–2, other bodies
    const twoBodies = await verifyDeviceLog([...log, ...branch], key.publicJwk);
    expect(twoBodies.ok).toBe(false);
    if (!twoBodies.ok) expect(twoBodies.error.problems.map((p) => [p.kind, p.seq, p.alarmKind])).toEqual([['fork', 1, 'log_fork'], ['fork', 2, 'log_fork']]);

    const relinked = await sign({ deviceId: DEVICE, seq: 3, prevHash: await deviceEventHash(log[1]!), at: 9, type: 'low_battery', payload: { percent: 3 } });
    const broken = await verifyDeviceLog([...log, relinked], key.publicJwk);
    expect(broken.ok ? [] : broken.error.problems.map((p) => [p.kind, p.seq])).toEqual([['fork', 3]]);
  });

  it("checks only the chain when the caller verified every signature already (the server's audit), finding the same gaps and forks", async () => {
    const log = await chain(5);
    const forged = await sign({ deviceId: DEVICE, seq: 5, prevHash: await deviceEventHash(log[4]!), at: 5, type: 'low_battery', payload: { percent: 1 } }, other);
    const trusting = await verifyDeviceLog([...log, forged], key.publicJwk, { signaturesVerified: true });
    expect(trusting.ok).toBe(true);
    // Signed entries with a branch (seqs 1–2) and a hole (seq 3): the same verdict as when every signature is checked.
    const branch = await chain(2, 1, await deviceEventHash(log[0]!), 55);
    const entries = [log[0], log[1], log[2], log[4], ...branch];
    const problems = (result: Awaited<ReturnType<typeof verifyDeviceLog>>) => (result.ok ? [] : result.error.problems.map((p) => [p.kind, p.seq]));
    const checked = problems(await verifyDeviceLog(entries, key.publicJwk));
    expect(checked).toContainEqual(['gap', 3]);
    expect(checked.filter(([kind]) => kind === 'fork').length).toBeGreaterThan(0);
    expect(problems(await verifyDeviceLog(entries, key.publicJwk, { signaturesVerified: true }))).toEqual(checked);
  });

  it('refuses malformed entries and entries of another device, without throwing', async () => {
    const log = await chain(2);
    const foreign = { ...log[1]!, deviceId: 'dev-2' };
    const result = await verifyDeviceLog([log[0], { seq: 1, junk: true }, foreign, null], key.publicJwk);
    expect(result.ok ? [] : result.error.problems.map((p) => [p.kind, p.seq])).toEqual([['malformed', 1], ['malformed', 1], ['malformed', null]]);
  });
});
