/**
 * Reply status codes (one byte on the wire). `ok` is 0; every other code is a refusal or an
 * error, with its own number so the tablet and the UI can tell them apart. Grouped by range:
 * 0x10 framing, 0x20 message, 0x30 grant terms, 0x40 nonce, 0x48 holder, 0x50 approvals,
 * 0x58 stamping, 0x60 roster, 0x68 time, 0x70 binding, 0x78 log and photo reads, 0x80 revocations.
 * PROTOCOL.md has the table.
 */
export const DEVICE_CODES = {
  ok: 0x00,
  // Framing: the frames could not be put together into one message.
  bad_frame: 0x10,
  unexpected_frame: 0x11,
  out_of_order: 0x12,
  interleaved: 0x13,
  truncated: 0x14,
  overlong: 0x15,
  too_large: 0x16,
  // Message: the frames made a message the device cannot act on.
  bad_message: 0x20,
  unsupported_version: 0x21,
  unknown_command: 0x22,
  not_provisioned: 0x23,
  already_provisioned: 0x24,
  not_bound: 0x25,
  internal_error: 0x2f,
  // Grant terms, judged by the device's own binding, clock, counter and position.
  wrong_device: 0x30,
  wrong_seal: 0x31,
  grant_mismatch: 0x32,
  window_not_yet_valid: 0x33,
  window_expired: 0x34,
  uses_exhausted: 0x35,
  outside_geofence: 0x36,
  no_position: 0x37,
  /** No use counter kept for the request, and its approved window ends at or before the watermark. */
  below_watermark: 0x38,
  // The device nonce the holder's assertion must be bound to.
  nonce_missing: 0x40,
  nonce_expired: 0x41,
  nonce_reused: 0x42,
  nonce_unknown: 0x43,
  // The holder's fresh passkey assertion.
  holder_mismatch: 0x48,
  holder_unknown: 0x49,
  holder_revoked: 0x4a,
  holder_not_entitled: 0x4b,
  holder_nonce_mismatch: 0x4c,
  holder_assertion_invalid: 0x4d,
  // The approvals, against the installed roster.
  roster_missing: 0x50,
  approval_invalid: 0x51,
  approver_unknown: 0x52,
  approver_revoked: 0x53,
  approver_not_entitled: 0x54,
  insufficient_approvals: 0x55,
  // Stamping (hardware): a press the device did not allow.
  locked: 0x58,
  // Roster installation.
  roster_invalid: 0x60,
  roster_stale: 0x61,
  roster_conflict: 0x62,
  // Time setting.
  time_invalid: 0x68,
  time_backwards: 0x69,
  // Seal binding.
  binding_invalid: 0x70,
  binding_stale: 0x71,
  // Log and photos.
  no_such_entry: 0x78,
  // Reading photos: a read session opened by a roster member's passkey over the device nonce.
  /** `get_photo` on a link with no read session open (or one expired). */
  read_unauthenticated: 0x79,
  reader_unknown: 0x7a,
  reader_revoked: 0x7b,
  /** Bad signature, origin, rp id or UV, or a challenge over another nonce or record. */
  reader_assertion_invalid: 0x7c,
  /** No authority over the seal's unit, and (for a photo) not the holder of that stamp's request. */
  reader_not_entitled: 0x7d,
  // Revocations (PROTOCOL.md §5): installing the org-signed list, and the unlock refusals it makes.
  /** Not signed by the org key, another org key, or not a revocation list. */
  revocations_invalid: 0x80,
  /** Older than the list installed. */
  revocations_stale: 0x81,
  /** Another list with the version installed. */
  revocations_conflict: 0x82,
  /** Unlock with no list installed. */
  revocations_missing: 0x83,
  /** Unlock with a list older than the freshness bound (`REVOCATION_LIST_MAX_AGE_MS`). */
  revocations_expired: 0x84,
  /** The bound seal is suspended, lost, confiscated, revoked or destroyed. */
  seal_revoked: 0x85,
  /** The grant's request was withdrawn (cancelled). */
  request_withdrawn: 0x86,
  /** The grant's holder was deactivated. */
  holder_deactivated: 0x87,
  /** One of the grant's approvers was deactivated (their approval does not count). */
  approver_deactivated: 0x88,
} as const;

/** A reply status by name. */
export type DeviceCode = keyof typeof DEVICE_CODES;
/** Every status but `ok`. */
export type DeviceErrorCode = Exclude<DeviceCode, 'ok'>;

const byNumber = new Map<number, DeviceCode>(Object.entries(DEVICE_CODES).map(([name, n]) => [n, name as DeviceCode]));

/** The code named by a status byte, or `undefined` for a number this version does not know. */
export const deviceCodeOf = (n: number): DeviceCode | undefined => byNumber.get(n);

/** Codes of the framing layer: the device never logs them (noise from the radio, unauthenticated). */
export const FRAMING_CODES: readonly DeviceErrorCode[] = ['bad_frame', 'unexpected_frame', 'out_of_order', 'interleaved', 'truncated', 'overlong', 'too_large'];
