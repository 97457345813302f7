import type { UserId } from '@seal/shared';
import { bytesEqual } from '../protocol/bytesEqual';
import type { DeviceErrorCode } from '../protocol/codes';
import { encodeErrorReply, encodeOkReply } from '../protocol/envelope';
import type { RequestOf } from '../protocol/messages';
import { readRecord } from '../protocol/readRecord';
import { checkNonce } from './checkNonce';
import { checkReader, readerStanding } from './checkReader';
import type { DeviceCore } from './DeviceCore';
import type { LinkState, ReadSession } from './linkState';
export type { ReadSession } from './linkState';

/**
 * Reads of photos (PROTOCOL.md §5, "Reading photos"). The log is open to any tablet — its entries
 * are signed evidence that any carrier brings back — but a photo of a stamped page is given only
 * on a link where someone with a right to it opened a read session: a roster member's passkey
 * over the device's fresh nonce (`open_reads`), or the holder's own unlock. The session belongs
 * to the link: it ends when the link drops, or after `readSessionMs` by the device clock.
 */

/** How many consumed nonces the device remembers to name a replay as one (as for unlocks). */
const SPENT_NONCES_KEPT = 8;

/** Whether `userId` holds a request the device counted uses of (the holder of those stamps). */
const holdsStampsHere = (core: DeviceCore, userId: string): boolean => Object.values(core.counters.requests).some((c) => c.holderId === userId);

/**
 * `open_reads`: the nonce it names, if outstanding, is consumed whatever happens (one try per
 * nonce); the reader's passkey must be in the roster, fresh over this device's nonce, and have a
 * right to read (`checkReader`). A refusal is logged; an acceptance opens the link's read session.
 */
export async function openReads(core: DeviceCore, body: RequestOf<'open_reads'>, link: LinkState): Promise<Uint8Array> {
  const outstanding = core.nonce;
  if (outstanding !== null && bytesEqual(outstanding.value, body.nonce)) {
    core.nonce = null;
    core.spentNonces = [outstanding.value, ...core.spentNonces].slice(0, SPENT_NONCES_KEPT);
  }
  const refuse = (code: DeviceErrorCode, message: string) => core.refuse(code, `open_reads: ${message}`);
  const now = core.now();
  const nonceRefusal = checkNonce({ now, nonce: outstanding, spentNonces: core.spentNonces }, body.nonce);
  if (nonceRefusal !== null && !nonceRefusal.ok) return refuse(nonceRefusal.error.code, nonceRefusal.error.message);
  const { binding, roster } = core;
  if (binding === null) return refuse('not_bound', 'no seal is bound to this device: whose photos would be read?');
  if (roster === null) return refuse('roster_missing', 'no roster is installed: no reader can be recognised');
  const reader = await checkReader(roster.roster, roster.view, binding.record, readRecord(core.deviceId!, body.nonce), body.reader, (id) => holdsStampsHere(core, id));
  if (!reader.ok) return refuse(reader.error.code, reader.error.message);
  // Someone deactivated since the roster was installed: the revocation list names them (it
  // reaches devices whose roster is older), and they read nothing, as they unlock nothing.
  const deactivated = core.revocations?.list.users.find((user) => user.userId === reader.value.readerId);
  if (deactivated !== undefined) return refuse('reader_revoked', `"${reader.value.readerId}" was deactivated at ${deactivated.since} (revocations v${core.revocations!.list.version})`);
  link.reader = { ...reader.value, expiresAt: now + core.settings.readSessionMs, rosterVersion: roster.roster.version, credentialId: body.reader.credentialId };
  return encodeOkReply('open_reads', { readerId: reader.value.readerId, scope: reader.value.scope === 'device' ? 0 : 1, expiresAt: link.reader.expiresAt });
}

/** The holder's unlock is a passkey over a fresh nonce too: it opens reads of their own stamps on that link. */
export function openHolderReads(core: DeviceCore, link: LinkState, holderId: UserId, credentialId: string): void {
  link.reader = { readerId: holderId, scope: 'own', expiresAt: core.now() + core.settings.readSessionMs, credentialId, ...(core.roster === null ? {} : { rosterVersion: core.roster.roster.version }) };
}

/**
 * Why the link may not read the photo of the stamp at `seq` (logged), or `null` when it may:
 * a read session must be open and unexpired; a `device` reader reads every photo, an `own`
 * reader those of stamps under requests they hold.
 */
export async function photoReadRefusal(core: DeviceCore, link: LinkState, seq: number): Promise<Uint8Array | null> {
  const session = link.reader;
  const now = core.now();
  if (session === undefined || session === null) return core.refuse('read_unauthenticated', `get_photo ${seq}: open a read session first (open_reads with a roster member's passkey over a fresh nonce)`);
  if (now > session.expiresAt) {
    link.reader = null;
    return core.refuse('read_unauthenticated', `get_photo ${seq}: the read session of "${session.readerId}" expired at ${session.expiresAt}, device clock ${now}`);
  }
  // A revocation list installed since the session opened (another tablet carried it) names the
  // reader: the session ends at once, not when it would have expired.
  const deactivated = core.revocations?.list.users.find((user) => user.userId === session.readerId);
  if (deactivated !== undefined) {
    link.reader = null;
    return core.refuse('reader_revoked', `get_photo ${seq}: "${session.readerId}" was deactivated at ${deactivated.since} (revocations v${core.revocations!.list.version}): the read session ended`);
  }
  const standing = standingUnderNewerRoster(core, link, session);
  if (standing !== null) return core.refuse(standing.code, `get_photo ${seq}: ${standing.message}: the read session ended`);
  const current = link.reader!;
  if (current.scope === 'device') return null;
  const [entry] = await core.log.read(seq, 1);
  if (entry?.type !== 'stamp') return encodeErrorReply('no_such_entry', { message: `no photo for log entry ${seq}` });
  const requestId = entry.payload.requestId;
  const holder = requestId === null ? undefined : core.counters.requests[requestId]?.holderId;
  if (holder === current.readerId) return null;
  return core.refuse('reader_not_entitled', `get_photo ${seq}: "${session.readerId}" may read the photos of their own stamps only; this one is under request "${requestId ?? 'none'}"`);
}

/**
 * A read session opened under an older roster than the one installed now (another tablet, or this
 * one, carried a newer roster since): the reader is judged again by the new roster — gone, without
 * the role, or the passkey that opened it revoked ends the session at once (`null` link reader,
 * the refusal returned); one whose right narrowed from every photo to their own stamps' keeps
 * reading those only. `null` when the session stands.
 */
function standingUnderNewerRoster(core: DeviceCore, link: LinkState, session: ReadSession): { code: DeviceErrorCode; message: string } | null {
  const { roster, binding } = core;
  if (roster === null || binding === null || session.rosterVersion === roster.roster.version) return null;
  // A holder's own session was opened by their unlock: they hold stamps here by it, even before the first.
  const holds = (id: string) => (session.scope === 'own' && id === session.readerId) || holdsStampsHere(core, id);
  const judged = readerStanding(roster.roster, roster.view, binding.record, session.readerId, holds, session.credentialId);
  if (!judged.ok) {
    link.reader = null;
    return { code: judged.error.code, message: `roster v${roster.roster.version} was installed since the read session opened: ${judged.error.message}` };
  }
  // The holder's own session stays `own` (their unlock opened it, whatever else they may read).
  const scope = session.scope === 'own' ? 'own' : judged.value.scope;
  link.reader = { ...session, scope, rosterVersion: roster.roster.version };
  return null;
}
