import { can, chainUnits, err, ok, verifyAssertionWithRoster, type AssertionFields, type Refusal, type Result, type Roster, type RosterView, type UserId } from '@seal/shared';
import type { SealBinding } from '../protocol/orgRecords';
import type { ReadRecord } from '../protocol/readRecord';

export type ReaderRefusalCode = 'reader_unknown' | 'reader_revoked' | 'reader_assertion_invalid' | 'reader_not_entitled';

/** Who opened reads, and what they may read. */
export interface Reader {
  readonly readerId: UserId;
  /**
   * `device`: every photo (the shared policy's `log.read` — admin, custodian or auditor — over
   * the seal's unit); `own`: only the photos of stamps under requests the reader holds.
   */
  readonly scope: 'device' | 'own';
}

/**
 * A reader's fresh passkey assertion over THIS device's read record (its current nonce): by a
 * passkey in the installed roster (`reader_unknown`, `reader_revoked`), valid for the roster's
 * rp id and origins with user verification and bound to the record (`reader_assertion_invalid`
 * otherwise). The reader's scope is `device` when the shared policy lets them read the seal's
 * logs; otherwise `own` if `holdsStamps` says they hold requests stamped here, else refused
 * (`reader_not_entitled`).
 */
export async function checkReader(
  roster: Roster,
  view: RosterView,
  binding: SealBinding,
  record: ReadRecord,
  assertion: AssertionFields,
  holdsStamps: (userId: string) => boolean,
): Promise<Result<Reader, Refusal<ReaderRefusalCode>>> {
  const verified = await verifyAssertionWithRoster({ assertion, expected: { record } }, roster);
  if (!verified.ok) {
    const { code, message } = verified.error;
    const mapped = code === 'revoked_credential' ? 'reader_revoked' : code === 'unknown_credential' ? 'reader_unknown' : 'reader_assertion_invalid';
    return err({ code: mapped, message: `reader assertion: ${code}: ${message}` });
  }
  return readerStanding(roster, view, binding, verified.value.userId, holdsStamps);
}

/**
 * What `userId` may read under `roster` (its view) — `device`, `own`, or refused — the part of
 * `checkReader` after the passkey: also how a read session opened under an older roster is judged
 * again once a newer one is installed. With `credentialId`, a passkey the roster revokes ends it too.
 */
export function readerStanding(
  roster: Roster, view: RosterView, binding: SealBinding, userId: string, holdsStamps: (userId: string) => boolean, credentialId?: string,
): Result<Reader, Refusal<ReaderRefusalCode>> {
  const revoked = credentialId === undefined ? undefined : roster.revokedCredentials.find((r) => r.id === credentialId);
  if (revoked !== undefined) return err({ code: 'reader_revoked', message: `passkey "${credentialId}" of "${userId}" was revoked (roster v${roster.version})` });
  if (credentialId !== undefined && !roster.users.some((u) => u.id === userId && u.credentials.some((c) => c.id === credentialId))) {
    return err({ code: 'reader_revoked', message: `passkey "${credentialId}" is no longer one of "${userId}"'s (roster v${roster.version})` });
  }
  const user = view.user(userId);
  if (user === undefined) return err({ code: 'reader_unknown', message: `roster user "${userId}" is not a valid user (roster v${roster.version})` });
  // The binding signs the seal's unit and its ancestors: all the scope check reads of the tree.
  const sealUnit = binding.sealUnitPath[0]!;
  if (can(user, 'log.read', { unitId: sealUnit }, chainUnits(binding.sealUnitPath)).ok) return ok({ readerId: user.id, scope: 'device' });
  if (holdsStamps(user.id)) return ok({ readerId: user.id, scope: 'own' });
  return err({ code: 'reader_not_entitled', message: `"${user.id}" may not read the logs of seal unit "${sealUnit}" (admin, custodian or auditor over it) and holds no request stamped on this device` });
}
