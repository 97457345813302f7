import { hashRecordHex, revocationRefusal, verifySignedRevocationList } from '@seal/shared';
import { encodeOkReply } from '../protocol/envelope';
import type { RequestOf } from '../protocol/messages';
import { sameRecord, type DeviceCore } from './DeviceCore';

/**
 * `install_revocations`: an org-signed revocation list, newer than the one in force (the same one
 * again is an ok no-op; another list under the held version is `revocations_conflict`; an older
 * one `revocations_stale`). Any tablet may bring it: it is signed, and only ever moves forward.
 * A list that stops the session in progress (its seal, request, holder or an approver of its
 * grant) locks the device at once.
 */
export async function installRevocations(core: DeviceCore, body: RequestOf<'install_revocations'>): Promise<Uint8Array> {
  const held = core.revocations?.list;
  const verified = await verifySignedRevocationList({ list: body.list, signature: body.signature }, core.identity!.orgPublicJwk, held);
  if (!verified.ok) return core.refuse(verified.error.code, verified.error.message);
  const { list } = verified.value;
  if (held !== undefined && list.version === held.version) {
    if (sameRecord(list, held)) return encodeOkReply('install_revocations', { version: list.version });
    return core.refuse('revocations_conflict', `a different revocation list with version ${list.version} is already installed`);
  }
  core.revocations = verified.value;
  await core.save('revocations');
  const entry = await core.record('revocations_installed', { version: list.version, issuedAt: list.issuedAt, listSha256: await hashRecordHex(list) });
  const session = core.session;
  if (session !== null && core.binding !== null) {
    // Only what the list names stops the session here; an old list merely blocks the next unlock.
    const stop = revocationRefusal(list, { sealId: core.binding.record.sealId, requestId: session.requestId, holderId: session.holderId, approverIds: session.approvedBy }, list.issuedAt);
    if (stop !== null) await core.lock('remote');
  }
  return encodeOkReply('install_revocations', { version: list.version, seq: entry.seq });
}
