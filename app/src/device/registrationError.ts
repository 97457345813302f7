import { SealDeviceError, TransportError } from '@seal/device-bridge';
import { ApiError } from '../api/ApiError';
import { describeError } from '../i18n/describeError';
import type { Translate } from '../i18n/I18nProvider';
import { StoreError } from '../store/StoreError';

/** Why registering a seal device over Bluetooth did not happen, as a site worker is told it. */
export type RegistrationProblem =
  | 'cancelled'
  | 'bluetooth_unavailable'
  | 'bluetooth_off'
  | 'not_seal'
  | 'not_provisioned'
  | 'already_registered'
  | 'no_permission'
  | 'connection_lost'
  | 'no_store';

/** A refusal of the registration flow itself (not the device's, the link's or the store's). */
export class RegistrationRefusal extends Error {
  override readonly name = 'RegistrationRefusal';
  constructor(readonly code: RegistrationProblem, message: string) {
    super(message);
  }
}

/** Transport and device codes, by what they mean for someone registering a device. */
const LINK_CODES: Readonly<Record<string, RegistrationProblem>> = {
  // A cancelled chooser and one closed with nothing in range are the same error in Chromium.
  permission_denied: 'cancelled',
  bluetooth_unavailable: 'bluetooth_unavailable',
  bluetooth_off: 'bluetooth_off',
  // A chosen device without the seal's GATT service, or one whose answers are not the protocol's.
  device_not_found: 'not_seal',
  bad_reply: 'not_seal',
  unsupported_version: 'not_seal',
  disconnected: 'connection_lost',
  timeout: 'connection_lost',
  gatt_error: 'connection_lost',
};

/** The problem a failure of the registration flow is, or `undefined` when it is none of them. */
export function registrationProblem(error: unknown): RegistrationProblem | undefined {
  if (error instanceof RegistrationRefusal) return error.code;
  if (error instanceof TransportError || error instanceof SealDeviceError) return LINK_CODES[error.code];
  // This tablet already holds the device's record (registered here, or synced from another tablet).
  if (error instanceof StoreError) return error.code === 'record_exists' ? 'already_registered' : error.code === 'closed' ? 'no_store' : undefined;
  if (error instanceof ApiError && (error.status === 403 || error.code === 'forbidden')) return 'no_permission';
  return undefined;
}

/** The `data-error-code` of a failure: its problem, else the app's usual code. */
export const registrationErrorCode = (error: unknown): string => registrationProblem(error) ?? (error instanceof Error && 'code' in error ? String(error.code) : 'unknown');

/** The sentence for a failure: the registration's own words, else the app's usual ones. */
export function describeRegistrationError(t: Translate, error: unknown): string {
  const problem = registrationProblem(error);
  return problem === undefined ? describeError(t, error) : t(`devices.registerErrors.${problem}`);
}
