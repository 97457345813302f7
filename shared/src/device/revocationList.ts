import { z } from 'zod';
import { jwkThumbprint } from '../crypto/jwkThumbprint';
import { base64UrlBytesSchema, type P256PublicJwk } from '../crypto/p256PublicJwk';
import { signRecord } from '../crypto/signRecord';
import { verifyRecordSignature } from '../crypto/verifyRecordSignature';
import { CanonicalEncodingError } from '../encoding/canonical';
import { requestIdSchema, sealIdSchema, userIdSchema } from '../domain/ids';
import { millisSchema } from '../domain/primitives';
import { err, ok, type Refusal, type Result } from '../result';

/**
 * The revocation list (吊销清单): what the organisation has stopped since a grant was approved —
 * seals out of service, withdrawn requests, people who left — signed by the organisation key, so
 * any tablet can carry it to any seal device and the device can trust it offline
 * (device-bridge/PROTOCOL.md §5 "Revocations"). One list for the whole organisation: a tablet
 * that never heard of a suspension still cannot unlock once any other tablet carried the list.
 */

export const REVOCATION_LIST_PURPOSE = 'seal-revocations';

/**
 * How old (by the device clock, from `issuedAt`) the list a device holds may be for it to unlock.
 * A grant is therefore only usable while some tablet brought the device a list at most this old:
 * a revocation reaches every device that still stamps within this bound, even if no tablet that
 * heard of it ever comes near. One working day: a site tablet syncs at least daily.
 */
export const REVOCATION_LIST_MAX_AGE_MS = 24 * 3_600_000;

/**
 * The server issues a new version when the content changes, or when the one it holds is older
 * than this: a tablet that syncs gets a list with at least 23 of its 24 hours left.
 */
export const REVOCATION_LIST_REFRESH_MS = 3_600_000;

/** Seal states that stop a seal (every state but `active`). */
export const revokedSealStatusSchema = z.enum(['suspended', 'lost', 'confiscated', 'revoked', 'destroyed']);
export type RevokedSealStatus = z.infer<typeof revokedSealStatusSchema>;

export const revocationListSchema = z.strictObject({
  purpose: z.literal(REVOCATION_LIST_PURPOSE),
  /** Thumbprint of the organisation key that signs the list (as in the roster). */
  orgKeyId: base64UrlBytesSchema(32),
  /** Only grows; the same version again must be the same list. */
  version: z.int().nonnegative(),
  issuedAt: millisSchema,
  /** Seals that may not be used, with their status and since when. */
  seals: z.array(z.strictObject({ sealId: sealIdSchema, status: revokedSealStatusSchema, since: millisSchema })).max(2000),
  /** Withdrawn (cancelled) requests, listed until their approved window ends (`notAfter`). */
  requests: z.array(z.strictObject({ requestId: requestIdSchema, since: millisSchema, notAfter: millisSchema })).max(2000),
  /** Deactivated people: no grant they hold unlocks. */
  users: z.array(z.strictObject({ userId: userIdSchema, since: millisSchema })).max(2000),
});
export type RevocationList = z.infer<typeof revocationListSchema>;

/** The list and the organisation key's signature (base64url raw r ‖ s) over its canonical JSON. */
export const signedRevocationListSchema = z.strictObject({ list: revocationListSchema, signature: base64UrlBytesSchema(64) });
export type SignedRevocationList = z.infer<typeof signedRevocationListSchema>;

/** Signs a list (throws on a malformed one: a bug of the issuer). */
export async function signRevocationList(orgPrivateKey: CryptoKey, list: Omit<RevocationList, 'purpose'>): Promise<SignedRevocationList> {
  const record = revocationListSchema.parse({ ...list, purpose: REVOCATION_LIST_PURPOSE });
  return { list: record, signature: await signRecord(orgPrivateKey, record) };
}

export type RevocationListRefusalCode = 'revocations_invalid' | 'revocations_stale';

/**
 * A signed list as received, checked: the signature over the list AS RECEIVED with the org key
 * (so no member, known or not, can be altered), the org key id, the schema, and — when a list is
 * held — a version not below the held one (`revocations_stale`: a replayed old list would bring
 * back a suspended seal).
 */
export async function verifySignedRevocationList(signed: unknown, orgPublicJwk: P256PublicJwk, held?: { readonly version: number }): Promise<Result<SignedRevocationList, Refusal<RevocationListRefusalCode>>> {
  const envelope = z.object({ list: z.record(z.string(), z.unknown()), signature: z.string() }).safeParse(signed);
  if (!envelope.success) return err({ code: 'revocations_invalid', message: 'expected { list, signature }' });
  let verified;
  try {
    verified = await verifyRecordSignature(orgPublicJwk, envelope.data.list, envelope.data.signature);
  } catch (error) {
    if (error instanceof CanonicalEncodingError) return err({ code: 'revocations_invalid', message: `list is not plain JSON: ${error.message}` });
    throw error;
  }
  if (!verified.ok) return err({ code: 'revocations_invalid', message: `signature: ${verified.error.code}: the list was altered or signed by another key` });
  const parsed = signedRevocationListSchema.safeParse(envelope.data);
  if (!parsed.success) return err({ code: 'revocations_invalid', message: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
  const keyId = await jwkThumbprint(orgPublicJwk);
  if (parsed.data.list.orgKeyId !== keyId) return err({ code: 'revocations_invalid', message: `list names org key "${parsed.data.list.orgKeyId}", expected "${keyId}"` });
  if (held !== undefined && parsed.data.list.version < held.version) {
    return err({ code: 'revocations_stale', message: `list version ${parsed.data.list.version} is older than the held version ${held.version}` });
  }
  return ok(parsed.data);
}

export type RevocationRefusalCode = 'revocations_missing' | 'revocations_expired' | 'seal_revoked' | 'request_withdrawn' | 'holder_deactivated' | 'approver_deactivated';

/** What a grant names that a list can stop. */
export interface RevocableUse {
  readonly sealId: string;
  readonly requestId: string;
  readonly holderId: string;
  /** Whoever approved it: every approval the grant carries must count, so one listed approver stops it. */
  readonly approverIds: readonly string[];
}

/**
 * The revocation rule the device runs before it unlocks (one place, in shared/, for any tablet
 * or server that wants to tell in advance what the device will say): refused when no list is held, when the grant's seal, request, holder or any approver is on it, or
 * when the list is older than {@link REVOCATION_LIST_MAX_AGE_MS} at `now` (what is on a list is
 * reported first, it is the more useful reason). Being listed is what counts, not `since`: a
 * deactivated person's approvals stop whenever they were given, as they do once a newer roster
 * drops their passkeys (the list reaches devices whose roster is older).
 */
export function revocationRefusal(list: RevocationList | null, use: RevocableUse, now: number): Refusal<RevocationRefusalCode> | null {
  if (list === null) return { code: 'revocations_missing', message: 'no revocation list is installed: a tablet that synced must connect first' };
  const seal = list.seals.find((s) => s.sealId === use.sealId);
  if (seal !== undefined) return { code: 'seal_revoked', message: `seal "${use.sealId}" is ${seal.status} since ${seal.since} (revocations v${list.version})` };
  const request = list.requests.find((r) => r.requestId === use.requestId);
  if (request !== undefined) return { code: 'request_withdrawn', message: `request "${use.requestId}" was withdrawn at ${request.since} (revocations v${list.version})` };
  const user = list.users.find((u) => u.userId === use.holderId);
  if (user !== undefined) return { code: 'holder_deactivated', message: `"${use.holderId}" was deactivated at ${user.since} (revocations v${list.version})` };
  const approver = list.users.find((u) => use.approverIds.includes(u.userId));
  if (approver !== undefined) return { code: 'approver_deactivated', message: `approver "${approver.userId}" was deactivated at ${approver.since} (revocations v${list.version}): their approval does not count` };
  if (now - list.issuedAt > REVOCATION_LIST_MAX_AGE_MS) {
    return { code: 'revocations_expired', message: `revocation list v${list.version} issued at ${list.issuedAt} is older than ${REVOCATION_LIST_MAX_AGE_MS / 3_600_000} h at ${now}: a tablet that synced must connect` };
  }
  return null;
}
