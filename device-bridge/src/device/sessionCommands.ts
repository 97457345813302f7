import { bytesEqual } from '../protocol/bytesEqual';
import { DEVICE_CODES, type DeviceErrorCode } from '../protocol/codes';
import { encodeErrorReply, encodeOkReply } from '../protocol/envelope';
import { NONCE_BYTES } from '../protocol/fields';
import { approvedRequest } from '../protocol/grantWire';
import type { RequestOf } from '../protocol/messages';
import { checkUnlock } from './checkUnlock';
import type { DeviceCore } from './DeviceCore';
import type { LinkState } from './linkState';
import { openHolderReads } from './readSession';
import { isBelowWatermark } from './useCounters';

/** How many consumed nonces the device remembers to name a replay as one. */
const SPENT_NONCES_KEPT = 8;

/** `nonce`: a fresh random nonce, single use, short-lived; it replaces any outstanding one. */
export function issueNonce(core: DeviceCore): Uint8Array {
  const value = crypto.getRandomValues(new Uint8Array(NONCE_BYTES));
  const expiresAt = core.now() + core.settings.nonceTtlMs;
  core.nonce = { value, expiresAt };
  return encodeOkReply('nonce', { nonce: value, expiresAt });
}

/**
 * `unlock`: the nonce it names, if outstanding, is consumed whatever happens (one try per
 * nonce; a message naming another nonce leaves the outstanding one alone), then the
 * grant, the holder and the approvals are judged offline (`checkUnlock`). A refusal is logged and
 * surfaced; an acceptance ends any other session, logs `unlock` and frees the seal. The outcome
 * is remembered against the nonce, so a tablet that lost the link can ask `status` what became
 * of its unlock instead of sending it again. The holder's passkey over the nonce also opens reads
 * of the photos of their own stamps on this link (`readSession.ts`).
 */
export async function unlock(core: DeviceCore, body: RequestOf<'unlock'>, link: LinkState): Promise<Uint8Array> {
  const outstanding = core.nonce;
  if (outstanding !== null && bytesEqual(outstanding.value, body.nonce)) {
    core.nonce = null;
    core.spentNonces = [outstanding.value, ...core.spentNonces].slice(0, SPENT_NONCES_KEPT);
  }
  const g = body.grant;
  const roster = core.roster;
  const verdict = await checkUnlock(
    {
      deviceId: core.deviceId!,
      binding: core.binding?.record ?? null,
      roster: roster?.roster ?? null,
      revocations: core.revocations?.list ?? null,
      now: core.now(),
      position: core.hardware.position(),
      used: (requestId) => core.usesMade(requestId),
      nonce: outstanding,
      spentNonces: core.spentNonces,
    },
    body,
  );
  const remember = (code: number, seq: number | undefined) => {
    if (outstanding !== null && bytesEqual(outstanding.value, body.nonce)) core.lastUnlock = { nonce: body.nonce, code, ...(seq === undefined ? {} : { seq }) };
  };
  const refuse = async ({ code, message }: { code: DeviceErrorCode; message: string }): Promise<Uint8Array> => {
    const seq = await core.logRefusal(code, message, { requestId: g.requestId, grantId: g.id });
    remember(DEVICE_CODES[code], seq);
    return encodeErrorReply(code, { message, ...(seq === undefined ? {} : { seq }) });
  };
  if (!verdict.ok) return refuse(verdict.error);
  // The approved window is known only now that the approvals verified (they sign it). A request
  // whose counter the device may have evicted is refused, never counted afresh.
  const approvedNotAfter = approvedRequest(g).window.notAfter;
  if (isBelowWatermark(core.counters, g.requestId, approvedNotAfter)) {
    return refuse({ code: 'below_watermark', message: `no use counter is kept for request "${g.requestId}" and its approved window ends at ${approvedNotAfter}, at or before the watermark ${core.counters.watermark}` });
  }
  await core.lock('holder');
  const now = core.now();
  core.session = {
    requestId: g.requestId,
    grantId: g.id,
    holderId: g.holderId,
    holderCredentialId: body.holder.credentialId,
    approvedBy: verdict.value.approvedBy,
    evidence: { grant: g, approvals: body.approvals },
    usesAllowed: g.uses,
    notAfter: g.window.notAfter,
    approvedNotAfter,
    ...(g.geofence === undefined ? {} : { geofence: g.geofence }),
    lastActivityAt: now,
  };
  const position = core.hardware.position();
  const entry = await core.record('unlock', { grantId: g.id, requestId: g.requestId, holderId: g.holderId, ...(position === null ? {} : { position }) });
  core.hardware.setLocked(false);
  openHolderReads(core, link, g.holderId, body.holder.credentialId);
  remember(DEVICE_CODES.ok, entry.seq);
  return encodeOkReply('unlock', { usesLeft: verdict.value.usesLeft, seq: entry.seq });
}

/** `lock`: ends the session (a no-op when already locked). */
export async function lock(core: DeviceCore): Promise<Uint8Array> {
  const seq = await core.lock('holder');
  return encodeOkReply('lock', seq === undefined ? {} : { seq });
}
