import { canonicalJson, type Sha256HexFunction } from '../encoding/canonical';
import type { P256PublicJwk } from '../crypto/p256PublicJwk';
import { importP256PublicKey } from '../crypto/importP256PublicKey';
import { verifyRecordSignatureWithKey } from '../crypto/verifyRecordSignature';
import { lowSForm } from '../crypto/signatureTwin';
import { err, ok, type Refusal, type Result } from '../result';
import type { AlarmKind } from './alarm';
import { deviceEventHash, deviceEventHashes, deviceEventSchema, deviceEventSigningBody, GENESIS_PREV_HASH, type DeviceEvent } from './deviceEvent';
import type { DeviceId } from './ids';

/**
 * What can be wrong with a device log:
 * - `malformed` — an entry that is not a device event (schema), or belongs to another device;
 * - `bad_signature` — an entry whose signature does not verify with the device key;
 * - `tampered` — an entry altered after signing: its signature fails AND the device's own next
 *   entry (validly signed) chains to a different body;
 * - `gap` — missing sequence numbers;
 * - `fork` — two different entries for one seq, or an entry whose `prevHash` is not the hash of
 *   the entry before it (the device's history diverged, e.g. a rolled-back storage).
 */
export type DeviceLogProblemKind = 'malformed' | 'bad_signature' | 'tampered' | 'gap' | 'fork';

/** The alarm each problem raises (DESIGN §6: a gap or a fork is an alarm, never silently accepted). */
export const DEVICE_LOG_PROBLEM_ALARM: Readonly<Record<DeviceLogProblemKind, AlarmKind>> = {
  malformed: 'bad_signature',
  bad_signature: 'bad_signature',
  tampered: 'bad_signature',
  gap: 'log_gap',
  fork: 'log_fork',
};

/** One problem found, at one seq (the first of a range, for a gap). */
export interface DeviceLogProblem {
  readonly kind: DeviceLogProblemKind;
  readonly alarmKind: AlarmKind;
  /** The seq concerned; `null` for an entry whose seq could not be read. */
  readonly seq: number | null;
  readonly message: string;
}

/** The last entry of a verified run: where the next pull continues (`seq + 1`, `prevHash = hash`). */
export interface DeviceLogHead {
  readonly seq: number;
  readonly hash: string;
}

/** A run of entries that verified: in seq order, one per seq, chained and signed. */
export interface VerifiedDeviceLog {
  readonly entries: readonly DeviceEvent[];
  /** The last verified entry; `null` when none. */
  readonly head: DeviceLogHead | null;
}

/** A refused log: the first problem's kind as `code`, every problem, and the clean prefix. */
export interface DeviceLogRejection extends Refusal<DeviceLogProblemKind> {
  readonly problems: readonly DeviceLogProblem[];
  /** The entries before the first problem: they verify and may be kept. */
  readonly trusted: VerifiedDeviceLog;
}

export interface VerifyDeviceLogOptions {
  /** The seq the batch must start at (the next one the verifier lacks). Default 0. */
  readonly expectedFromSeq?: number;
  /** The hash of entry `expectedFromSeq − 1` the verifier holds; `GENESIS_PREV_HASH` at seq 0. */
  readonly expectedPrevHash?: string | readonly string[];
  /** The device the entries must belong to. Default: the first well-formed entry's. */
  readonly deviceId?: DeviceId;
  /**
   * Every entry's signature was verified already by the caller (the server auditing the entries
   * it judged on their way in, and stored ones it judged so before): only the chain is checked.
   */
  readonly signaturesVerified?: true;
  /**
   * The SHA-256 that hashes each entry for the chain: WebCrypto's by default. A server auditing
   * hundreds of entries per push passes a synchronous one (the same digest, without an
   * asynchronous hop per entry that lets other requests in between).
   */
  readonly sha256Hex?: Sha256HexFunction;
}

interface Candidate {
  readonly event: DeviceEvent;
  /** The hash of the entry as held, and of it with its signature's twin (`twinForms`): the next entry may chain to either. */
  readonly hashes: readonly string[];
  readonly signed: boolean;
}

const seqOf = (raw: unknown): number | null => {
  const seq = typeof raw === 'object' && raw !== null ? (raw as { seq?: unknown }).seq : undefined;
  return typeof seq === 'number' && Number.isSafeInteger(seq) ? seq : null;
};

async function candidatesBySeq(entries: readonly unknown[], jwk: P256PublicJwk, { from, deviceId, signaturesVerified, sha256Hex }: { from: number; deviceId: DeviceId | undefined; signaturesVerified: boolean; sha256Hex: Sha256HexFunction | undefined }, report: (kind: DeviceLogProblemKind, seq: number | null, message: string) => void) {
  const bySeq = new Map<number, Map<string, Candidate>>();
  // Imported once for the whole batch (importing per entry was a third of an audit's cost).
  const key = await importP256PublicKey(jwk);
  if (!key.ok) throw new TypeError(`device public key: ${key.error.message}`);
  let owner = deviceId;
  for (const raw of entries) {
    const parsed = deviceEventSchema.safeParse(raw);
    if (!parsed.success) {
      report('malformed', seqOf(raw), `entry is not a device event: ${parsed.error.issues.map((i) => `${i.path.join('.') || '$'}: ${i.message}`).join('; ')}`);
      continue;
    }
    const event = parsed.data;
    owner ??= event.deviceId;
    if (event.deviceId !== owner) {
      report('malformed', event.seq, `entry belongs to device "${event.deviceId}", expected "${owner}"`);
      continue;
    }
    if (event.seq < from) continue;
    const copies = bySeq.get(event.seq) ?? new Map<string, Candidate>();
    // A copy whose signature is the other of the twin pair (ECDSA is malleable: anyone can make
    // it, without the key) is the same entry, and the next entry chains to either form.
    const body = canonicalJson({ ...event, signature: lowSForm(event.signature) });
    if (!copies.has(body)) {
      const signed = signaturesVerified || (await verifyRecordSignatureWithKey(key.value, deviceEventSigningBody(event), event.signature)).ok;
      const hashes = await deviceEventHashes(event, sha256Hex);
      copies.set(body, { event, hashes, signed });
    }
    bySeq.set(event.seq, copies);
  }
  return bySeq;
}

/**
 * Verifies a batch of a device's log entries as received (e.g. parsed JSON pulled from the app):
 * schema, signature by the device key, the hash chain, continuity from `expectedFromSeq`, and
 * one entry per seq. Identical copies are one entry (replication is idempotent). Every problem
 * is listed, each with the alarm it raises; the run before the first problem is returned as
 * `trusted` so a verifier can keep what is sound. A gap after the last entry cannot be seen
 * here: compare the head with what the device reports.
 *
 * Throws only when `devicePublicJwk` is not a P-256 key (a caller's bug).
 */
export async function verifyDeviceLog(
  entries: readonly unknown[],
  devicePublicJwk: P256PublicJwk,
  options: VerifyDeviceLogOptions = {},
): Promise<Result<VerifiedDeviceLog, DeviceLogRejection>> {
  const from = options.expectedFromSeq ?? 0;
  const problems: DeviceLogProblem[] = [];
  const report = (kind: DeviceLogProblemKind, seq: number | null, message: string) => problems.push({ kind, alarmKind: DEVICE_LOG_PROBLEM_ALARM[kind], seq, message });
  const bySeq = await candidatesBySeq(entries, devicePublicJwk, { from, deviceId: options.deviceId, signaturesVerified: options.signaturesVerified === true, sha256Hex: options.sha256Hex }, report);

  const chain: DeviceEvent[] = [];
  let trustedCount: number | null = problems.length > 0 ? 0 : null;
  const given = options.expectedPrevHash;
  let expectedPrev: readonly string[] | null = given !== undefined ? (typeof given === 'string' ? [given] : given) : from === 0 ? [GENESIS_PREV_HASH] : null;
  let previousFlagged = false;
  // The seqs present, in order: a gap is crossed in one step, however wide (a pushed seq of 10^14
  // must not be walked to one seq at a time).
  const present = [...bySeq.keys()].filter((seq) => seq >= from).sort((a, b) => a - b);
  const last = present.at(-1) ?? from - 1;
  let ahead = 0;
  for (let seq = from; seq <= last; seq++) {
    while (present[ahead]! < seq) ahead++;
    const found = [...(bySeq.get(seq)?.values() ?? [])];
    if (found.length === 0) {
      const end = present[ahead]! - 1;
      report('gap', seq, end === seq ? `entry ${seq} is missing` : `entries ${seq}–${end} are missing`);
      trustedCount ??= chain.length;
      expectedPrev = null;
      seq = end;
      continue;
    }
    const next = [...(bySeq.get(seq + 1)?.values() ?? [])].filter((c) => c.signed);
    const chainsToNext = (c: Candidate) => next.some((n) => c.hashes.includes(n.event.prevHash));
    if (found.length > 1) report('fork', seq, `${found.length} different entries for seq ${seq}`);
    // Of several, follow the one that is signed, chains from the last one and to the next.
    const score = (c: Candidate) => (c.signed ? 4 : 0) + (expectedPrev?.includes(c.event.prevHash) ? 2 : 0) + (chainsToNext(c) ? 1 : 0);
    const chosen = found.reduce((best, c) => (score(c) > score(best) ? c : best));
    let flagged = found.length > 1;
    if (!chosen.signed) {
      const tampered = next.length > 0 && !chainsToNext(chosen);
      report(tampered ? 'tampered' : 'bad_signature', seq, tampered ? `entry ${seq} was altered after signing: its signature fails and entry ${seq + 1} chains to another body` : `entry ${seq}: signature does not verify with the device key`);
      flagged = true;
    }
    if (expectedPrev !== null && !expectedPrev.includes(chosen.event.prevHash) && !previousFlagged) {
      report('fork', seq, `entry ${seq}: prevHash ${chosen.event.prevHash.slice(0, 12)}… is not the hash ${expectedPrev[0]!.slice(0, 12)}… of entry ${seq - 1}`);
      flagged = true;
    }
    if (flagged) trustedCount ??= chain.length;
    chain.push(chosen.event);
    expectedPrev = chosen.hashes;
    previousFlagged = flagged;
  }

  const headOf = async (run: readonly DeviceEvent[]): Promise<DeviceLogHead | null> => {
    const tail = run.at(-1);
    return tail === undefined ? null : { seq: tail.seq, hash: await deviceEventHash(tail, options.sha256Hex) };
  };
  if (problems.length === 0) return ok({ entries: chain, head: await headOf(chain) });
  const trusted = chain.slice(0, trustedCount ?? chain.length);
  const first = problems[0]!;
  return err({ code: first.kind, message: `device log refused: ${problems.map((p) => p.message).join('; ')}`, problems, trusted: { entries: trusted, head: await headOf(trusted) } });
}
