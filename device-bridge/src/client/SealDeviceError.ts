import type { DeviceErrorCode } from '../protocol/codes';
import type { GrantEvidenceRefusalCode } from '../protocol/grantWire';
import type { TransportErrorCode } from '../transport/Transport';

/**
 * Every way a device call can fail, as one code the UI translates:
 * - a device status (refusals and errors: `DEVICE_CODES`, see PROTOCOL.md §6);
 * - `unknown_error` (a status this app version does not know), `bad_reply` (a reply that does not
 *   decode), `no_nonce` (unlock without a nonce fetched first), `grant_inconsistent` (a grant
 *   that cannot be sent);
 * - a transport code (`disconnected` after the reconnects ran out, `timeout`, …).
 */
export type SealDeviceErrorCode = DeviceErrorCode | 'unknown_error' | 'bad_reply' | 'no_nonce' | GrantEvidenceRefusalCode | TransportErrorCode;

/** A failed device call: a typed `code`, the device's message, and the log entry that records it. */
export class SealDeviceError extends Error {
  override readonly name = 'SealDeviceError';

  constructor(
    readonly code: SealDeviceErrorCode,
    message: string,
    options: { readonly cause?: unknown; readonly seq?: number; readonly status?: number } = {},
  ) {
    super(message, { cause: options.cause });
    this.seq = options.seq;
    this.status = options.status;
  }

  /** The seq of the device's `refusal` log entry, when the refusal was logged. */
  readonly seq: number | undefined;
  /** The raw status byte, for codes this version does not know. */
  readonly status: number | undefined;
}
