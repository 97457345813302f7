/**
 * Canonical hashing of a decision-sized record (RFC 8785 + SHA-256 via WebCrypto), beside its
 * peer: plain JSON.stringify + SHA-256 of the same record in the same run. The ratio says what
 * canonical form costs on the path every approval and grant takes.
 */
import { webcrypto } from 'node:crypto';
import { hashRecord } from '@seal/shared';
import { median, timeRuns, writeResult } from './stats';

const record = {
  requestId: 'req_01J9Z3',
  documentSha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  sealId: 'seal_official_hq',
  uses: 3,
  window: { notBefore: 1_790_000_000_000, notAfter: 1_790_086_400_000 },
  place: { unitId: 'site_chengdu_7', geofence: { lat: 30.6586, lon: 104.0648, radiusM: 300 } },
  verdict: 'approve',
};

export async function run(): Promise<void> {
  const n = 2000;
  const ours = await timeRuns(async () => { for (let i = 0; i < n; i++) await hashRecord(record); }, 7);
  const peer = await timeRuns(async () => {
    for (let i = 0; i < n; i++) await webcrypto.subtle.digest('SHA-256', new TextEncoder().encode(JSON.stringify(record)));
  }, 7);
  const oursPerS = n / (median(ours) / 1000);
  const peerPerS = n / (median(peer) / 1000);
  writeResult('canonical', {
    records: n,
    canonical_hashes_per_s: Math.round(oursPerS),
    json_stringify_hashes_per_s: Math.round(peerPerS),
    ratio: Number((oursPerS / peerPerS).toFixed(3)),
  });
}
