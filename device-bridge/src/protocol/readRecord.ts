import { toBase64Url, type DeviceId } from '@seal/shared';

/** What a reader's passkey confirms to open reads of a device's photos (its `hashRecord` is the WebAuthn challenge). */
export interface ReadRecord {
  readonly purpose: 'device-read';
  readonly deviceId: DeviceId;
  /** The device's nonce, base64url. */
  readonly nonce: string;
}

/**
 * The record a reader signs to open a read session: "I read `deviceId`'s photos, now
 * (`nonce`)". The device finds the reader by the passkey, rebuilds the record from its own id
 * and its current nonce, so nothing of it travels but the assertion. Its purpose differs from
 * the unlock record's, so neither assertion can stand for the other.
 */
export function readRecord(deviceId: DeviceId, nonce: Uint8Array): ReadRecord {
  return { purpose: 'device-read', deviceId, nonce: toBase64Url(nonce) };
}
