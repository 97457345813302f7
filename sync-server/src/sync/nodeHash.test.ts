/**
 * The server's synchronous SHA-256 (node:crypto) in place of WebCrypto's: the same digests, and
 * so the same verdicts on device logs, whatever the log holds — genuine, with holes, with
 * branches, altered after signing, signed by another key, or malformed.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  asId, deviceEventHash, deviceIdSchema, generateOrgKeyPair, GENESIS_PREV_HASH, hashRecordHex, signRecord, verifyDeviceLog,
  type DeviceEvent, type DeviceId, type OrgKeyPair, type UnsignedDeviceEvent,
} from '@seal/shared';
import { nodeSha256Hex } from './nodeHash';

const DEVICE: DeviceId = asId(deviceIdSchema, 'dev-hash');
let key: OrgKeyPair;
let other: OrgKeyPair;

beforeAll(async () => {
  key = await generateOrgKeyPair();
  other = await generateOrgKeyPair();
});

/** A genuine log of `n` entries (WebCrypto's hashes link it: the reference). */
async function genuine(n: number): Promise<DeviceEvent[]> {
  const log: DeviceEvent[] = [];
  for (let seq = 0; seq < n; seq++) {
    const previous = log.at(-1);
    const body: UnsignedDeviceEvent = { deviceId: DEVICE, seq, prevHash: previous ? await deviceEventHash(previous) : GENESIS_PREV_HASH, at: 1_000 + seq, type: 'low_battery', payload: { percent: seq % 100 } };
    log.push({ ...body, signature: await signRecord(key.privateKey, body) });
  }
  return log;
}

type Damage = 'drop' | 'alter' | 'resign' | 'foreign' | 'relink' | 'malformed' | 'copy';

/** The log with one kind of damage done at `at` (modulo its length). */
async function damaged(log: readonly DeviceEvent[], damage: Damage, at: number): Promise<unknown[]> {
  const i = at % log.length;
  const entry = log[i]!;
  const { signature: _signature, ...body } = entry;
  const out: unknown[] = [...log];
  switch (damage) {
    case 'drop': out.splice(i, 1); break;
    case 'alter': out[i] = { ...entry, payload: { percent: 101 } }; break;
    case 'resign': { const changed = { ...body, at: body.at + 1 }; out[i] = { ...changed, signature: await signRecord(key.privateKey, changed) }; break; }
    case 'foreign': out[i] = { ...entry, signature: await signRecord(other.privateKey, body) }; break;
    case 'relink': { const changed = { ...body, prevHash: 'f'.repeat(64) }; out[i] = { ...changed, signature: await signRecord(key.privateKey, changed) }; break; }
    case 'malformed': out[i] = { ...entry, seq: 'one' }; break;
    case 'copy': out.push({ ...entry }); break;
  }
  return out;
}

describe('nodeSha256Hex', () => {
  it('hashes records as WebCrypto does (hashRecordHex), whatever they hold', async () => {
    await fc.assert(fc.asyncProperty(fc.jsonValue(), async (value) => {
      // Only what has a canonical form (no -0 edge aside: canonical JSON writes it 0 on both sides).
      const reference = await hashRecordHex(value).catch(() => undefined);
      if (reference === undefined) return;
      expect(await hashRecordHex(value, nodeSha256Hex)).toBe(reference);
    }), { numRuns: 300 });
  });

  it('gives verifyDeviceLog the same verdict as WebCrypto\'s digest, on genuine and damaged logs, signatures checked or not', async () => {
    const log = await genuine(12);
    // Counted: the digest passed is the one the chain is hashed with.
    let calls = 0;
    const counted = (bytes: Uint8Array): string => {
      calls++;
      return nodeSha256Hex(bytes) as string;
    };
    const damages: Damage[] = ['drop', 'alter', 'resign', 'foreign', 'relink', 'malformed', 'copy'];
    await fc.assert(fc.asyncProperty(
      fc.array(fc.tuple(fc.constantFrom(...damages), fc.nat()), { maxLength: 3 }),
      fc.boolean(),
      fc.nat({ max: 3 }),
      async (harm, trusting, from) => {
        let entries: unknown[] = log;
        for (const [damage, at] of harm) entries = await damaged(entries as DeviceEvent[], damage, at);
        const options = { expectedFromSeq: from, ...(trusting ? { signaturesVerified: true as const } : {}) };
        const reference = await verifyDeviceLog(entries, key.publicJwk, options);
        expect(await verifyDeviceLog(entries, key.publicJwk, { ...options, sha256Hex: counted })).toEqual(reference);
      },
    ), { numRuns: 150 });
    expect(calls).toBeGreaterThan(150);
  });
});
