import { encodeErrorReply, encodeOkReply } from '../protocol/envelope';
import { MAX_FRAME_SIZE, MIN_FRAME_SIZE } from '../protocol/frames';
import { logEntryToWire } from '../protocol/logWire';
import { MAX_LOG_PAGE, type RequestOf } from '../protocol/messages';
import type { DeviceCore } from './DeviceCore';
import type { LinkState } from './linkState';
import { photoReadRefusal } from './readSession';

export type { LinkState } from './linkState';

/** Log entries per `read_log` page unless the tablet asks for fewer. */
const DEFAULT_LOG_PAGE = 16;

/** `info`: who the device is and what it holds; also negotiates the reply frame size. */
export function info(core: DeviceCore, body: RequestOf<'info'>, link: LinkState): Uint8Array {
  if (body.frameSize !== undefined) link.frameSize = Math.min(MAX_FRAME_SIZE, Math.max(MIN_FRAME_SIZE, body.frameSize));
  return encodeOkReply('info', {
    deviceId: core.deviceId,
    publicKey: core.key.publicJwk,
    sealId: core.binding?.record.sealId ?? null,
    bindingVersion: core.binding?.record.version ?? null,
    firmware: core.settings.firmware,
    batteryPercent: Math.round(core.hardware.batteryPercent()),
    stampCount: core.meta.stampCount,
    clock: core.now(),
    rosterVersion: core.roster?.roster.version ?? null,
    logHead: core.log.head,
    frameSize: link.frameSize,
    ...(core.revocations === null ? {} : { revocations: [core.revocations.list.version, core.revocations.list.issuedAt] as [number, number] }),
  });
}

/** `status`: lock state, session, clock, battery, position, log head, nonce and last unlock outcome. */
export function status(core: DeviceCore): Uint8Array {
  const s = core.session;
  const now = core.now();
  return encodeOkReply('status', {
    locked: s === null,
    session: s === null ? null : { requestId: s.requestId, grantId: s.grantId, holderId: s.holderId, usesLeft: Math.max(0, s.usesAllowed - core.usesMade(s.requestId)), notAfter: s.notAfter },
    clock: now,
    batteryPercent: Math.round(core.hardware.batteryPercent()),
    position: core.hardware.position(),
    logHead: core.log.head,
    pendingNonce: core.nonce !== null && core.nonce.expiresAt >= now ? core.nonce.value : null,
    lastUnlock: core.lastUnlock,
  });
}

/** `read_log`: a page of entries from `fromSeq`; `nextSeq` is where the next page starts. */
export async function readLog(core: DeviceCore, body: RequestOf<'read_log'>): Promise<Uint8Array> {
  const entries = await core.log.read(body.fromSeq, Math.min(body.max ?? DEFAULT_LOG_PAGE, MAX_LOG_PAGE));
  // Past the end, `nextSeq` is the log's length: a tablet that holds more than the device has
  // learns that the device's log was rolled back (an alarm for the server).
  const nextSeq = entries.length > 0 ? entries.at(-1)!.seq + 1 : (core.log.head?.seq ?? -1) + 1;
  return encodeOkReply('read_log', { entries: entries.map(logEntryToWire), nextSeq });
}

/** `get_photo`: the photo taken at the stamp logged as `seq`, to a link whose read session may read it. */
export async function getPhoto(core: DeviceCore, body: RequestOf<'get_photo'>, link: LinkState): Promise<Uint8Array> {
  const refusal = await photoReadRefusal(core, link, body.seq);
  if (refusal !== null) return refusal;
  const photo = await core.storage.get(`photo/${body.seq}`);
  if (photo === undefined) return encodeErrorReply('no_such_entry', { message: `no photo for log entry ${body.seq}` });
  return encodeOkReply('get_photo', { photo });
}
