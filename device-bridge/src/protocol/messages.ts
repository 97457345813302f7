import {
  deviceIdSchema,
  grantIdSchema,
  MAX_REASON_LENGTH,
  MAX_USES_PER_REQUEST,
  requestIdSchema,
  sealIdSchema,
  unitIdSchema,
  userIdSchema,
} from '@seal/shared';
import { base64UrlBytes, bool, bytes, checked, compactId, hexDigest, json, list, nullable, opt, req, struct, text, tuple, uint, type Codec } from './codec';
import { MAX_FRAME_SIZE } from './frames';
import { assertionField, geofenceField, idField, logHeadField, nonceField, p256Key, positionField, windowField } from './fields';

/** The protocol version this code speaks (byte 0 of every command and reply). */
export const PROTOCOL_VERSION = 1;
/** The versions a device of this firmware accepts. */
export const SUPPORTED_VERSIONS: readonly number[] = [PROTOCOL_VERSION];

/** Most log entries one `read_log` page carries. */
export const MAX_LOG_PAGE = 32;
/** Largest photo the device keeps. */
const MAX_PHOTO_BYTES = 8 * 1024;

const grantIdField = checked(compactId(512), grantIdSchema);

/**
 * The grant as the device needs it for `unlock`: the grant's own terms, plus what the approvers
 * signed beyond them (document hash, place unit; uses and window only where they differ from the
 * grant's). The decision payload every approver signed is rebuilt from these, so the approvals
 * travel as bare assertions. See `grantWire.ts`.
 */
const grantEvidenceCodec = struct({
  id: req(0, grantIdField),
  requestId: req(1, idField(requestIdSchema)),
  deviceId: req(2, idField(deviceIdSchema)),
  sealId: req(3, idField(sealIdSchema)),
  holderId: req(4, idField(userIdSchema)),
  uses: req(5, uint(MAX_USES_PER_REQUEST)),
  window: req(6, windowField()),
  geofence: opt(7, geofenceField()),
  documentSha256: req(8, hexDigest()),
  placeUnitId: req(9, idField(unitIdSchema)),
  approvedUses: opt(10, uint(MAX_USES_PER_REQUEST)),
  approvedWindow: opt(11, windowField()),
  /**
   * What each approving decision carries besides its payload and bare assertion, in the order of
   * the approvals: when it was made, its note, its assertion's user handle. With the approvals
   * they rebuild the grant's decisions, so the device checks `id` is the grant's content address
   * (`grantWire.ts`, `evidenceGrantId`).
   */
  decisions: req(12, list(struct({ at: req(0, uint()), comment: opt(1, text(MAX_REASON_LENGTH)), userHandle: opt(2, base64UrlBytes({ min: 1, max: 64 })) }), 10)),
});
export type GrantEvidence = ValueOf<typeof grantEvidenceCodec>;

/** One log entry without its device id (known from `info`): `[seq, prevHash, at, type, payload, signature]`. */
const logEntryCodec = tuple(uint(), hexDigest(), uint(), uint(255), json(8), base64UrlBytes(64));

const empty = struct({});
const session = struct({
  requestId: req(0, idField(requestIdSchema)),
  grantId: req(1, grantIdField),
  holderId: req(2, idField(userIdSchema)),
  usesLeft: req(3, uint()),
  notAfter: req(4, uint()),
});

/**
 * Every command: its op code (byte 1 of the command) and the codecs of its request and reply
 * bodies (integer-keyed CBOR maps). PROTOCOL.md §4 is the same table, for people.
 */
export const COMMANDS = {
  info: {
    op: 0x01,
    request: struct({ frameSize: opt(0, uint(MAX_FRAME_SIZE)) }),
    reply: struct({
      deviceId: req(0, nullable(idField(deviceIdSchema))),
      publicKey: req(1, p256Key()),
      sealId: req(2, nullable(idField(sealIdSchema))),
      bindingVersion: req(3, nullable(uint())),
      firmware: req(4, text(64)),
      batteryPercent: req(5, uint(100)),
      stampCount: req(6, uint()),
      clock: req(7, uint()),
      rosterVersion: req(8, nullable(uint())),
      logHead: req(9, nullable(logHeadField())),
      frameSize: req(10, uint(MAX_FRAME_SIZE)),
      /** The installed revocation list's version and issue time; absent when none is installed. */
      revocations: opt(11, tuple(uint(), uint())),
    }),
  },
  status: {
    op: 0x02,
    request: empty,
    reply: struct({
      locked: req(0, bool()),
      session: req(1, nullable(session)),
      clock: req(2, uint()),
      batteryPercent: req(3, uint(100)),
      position: req(4, nullable(positionField())),
      logHead: req(5, nullable(logHeadField())),
      pendingNonce: req(6, nullable(nonceField())),
      lastUnlock: req(7, nullable(struct({ nonce: req(0, nonceField()), code: req(1, uint(255)), seq: opt(2, uint()) }))),
    }),
  },
  nonce: {
    op: 0x03,
    request: empty,
    reply: struct({ nonce: req(0, nonceField()), expiresAt: req(1, uint()) }),
  },
  unlock: {
    op: 0x04,
    request: struct({
      nonce: req(0, nonceField()),
      grant: req(1, grantEvidenceCodec),
      approvals: req(2, list(assertionField(), 10)),
      holder: req(3, assertionField()),
    }),
    reply: struct({ usesLeft: req(0, uint()), seq: req(1, uint()) }),
  },
  lock: {
    op: 0x05,
    request: empty,
    reply: struct({ seq: opt(0, uint()) }),
  },
  read_log: {
    op: 0x06,
    request: struct({ fromSeq: req(0, uint()), max: opt(1, uint(MAX_LOG_PAGE)) }),
    reply: struct({ entries: req(0, list(logEntryCodec, MAX_LOG_PAGE)), nextSeq: req(1, uint()) }),
  },
  get_photo: {
    op: 0x07,
    request: struct({ seq: req(0, uint()) }),
    reply: struct({ photo: req(0, bytes({ min: 1, max: MAX_PHOTO_BYTES })) }),
  },
  install_roster: {
    op: 0x08,
    request: struct({ signedRoster: req(0, json(12)) }),
    reply: struct({ version: req(0, uint()), seq: opt(1, uint()) }),
  },
  set_time: {
    op: 0x09,
    request: struct({ deviceId: req(0, idField(deviceIdSchema)), at: req(1, uint()), signature: req(2, base64UrlBytes(64)) }),
    reply: struct({ previous: req(0, uint()), now: req(1, uint()), seq: opt(2, uint()) }),
  },
  bind_seal: {
    op: 0x0a,
    request: struct({ binding: req(0, json(6)), signature: req(1, base64UrlBytes(64)) }),
    reply: struct({ sealId: req(0, idField(sealIdSchema)), version: req(1, uint()), seq: opt(2, uint()) }),
  },
  open_reads: {
    op: 0x0c,
    request: struct({ nonce: req(0, nonceField()), reader: req(1, assertionField()) }),
    /** scope 0: every photo of this device (authority over the seal's unit); 1: the photos of the reader's own stamps. */
    reply: struct({ readerId: req(0, idField(userIdSchema)), scope: req(1, uint(1)), expiresAt: req(2, uint()) }),
  },
  install_revocations: {
    op: 0x0d,
    request: struct({ list: req(0, json(6)), signature: req(1, base64UrlBytes(64)) }),
    reply: struct({ version: req(0, uint()), seq: opt(1, uint()) }),
  },
  provision: {
    op: 0x0b,
    request: struct({ deviceId: req(0, idField(deviceIdSchema)), orgPublicKey: req(1, p256Key()) }),
    reply: struct({ publicKey: req(0, p256Key()) }),
  },
} as const;

/** A command by name. */
export type CommandName = keyof typeof COMMANDS;
type ValueOf<C> = C extends Codec<infer T> ? T : never;
/** The request body of a command. */
export type RequestOf<C extends CommandName> = ValueOf<(typeof COMMANDS)[C]['request']>;
/** The reply body of a command (on `ok`). */
export type ReplyOf<C extends CommandName> = ValueOf<(typeof COMMANDS)[C]['reply']>;

const byOp = new Map<number, CommandName>(Object.entries(COMMANDS).map(([name, c]) => [c.op, name as CommandName]));
/** The command an op code names, or `undefined`. */
export const commandOf = (op: number): CommandName | undefined => byOp.get(op);

/** The body of every error reply. */
export const errorBodyCodec = struct({
  message: opt(0, text(200)),
  /** The seq of the `refusal` log entry, when the refusal was logged. */
  seq: opt(1, uint()),
  supportedVersions: opt(2, list(uint(255), 8)),
});
export type ErrorBody = ValueOf<typeof errorBodyCodec>;
