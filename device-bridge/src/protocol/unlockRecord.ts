import { toBase64Url, type DeviceId, type RequestId, type UserId } from '@seal/shared';

/** What the holder's passkey confirms at the device (its `hashRecord` is the WebAuthn challenge). */
export interface UnlockRecord {
  readonly purpose: 'unlock';
  readonly deviceId: DeviceId;
  /** The device's nonce, base64url. */
  readonly nonce: string;
  readonly requestId: RequestId;
  readonly holderId: UserId;
}

/**
 * The record the holder signs to unlock: "I, `holderId`, unlock `deviceId` under `requestId`,
 * now (`nonce`)". Pass `assertionChallenge(unlockRecord(...))` as the challenge BYTES to
 * `navigator.credentials.get`. The device rebuilds it from its own id, its current nonce and the
 * grant, so nothing of it needs to travel but the assertion.
 */
export function unlockRecord(deviceId: DeviceId, nonce: Uint8Array, requestId: RequestId, holderId: UserId): UnlockRecord {
  return { purpose: 'unlock', deviceId, nonce: toBase64Url(nonce), requestId, holderId };
}
