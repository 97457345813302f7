import { SealDeviceError, TransportError } from '@seal/device-bridge';
import { ApiError } from '../../api/ApiError';
import { StoreError } from '../../store/StoreError';

/** The error code a failure shows as (device, transport, or the passkey prompt). */
export function stampErrorCode(error: unknown): string {
  if (error instanceof SealDeviceError || error instanceof TransportError) return error.code;
  if (error instanceof DOMException && error.name === 'NotAllowedError') return 'passkey_cancelled';
  if (error instanceof StoreError) return `store_${error.code}`;
  // The server's answer while provisioning (e.g. a binding refused, no network): its own code.
  if (error instanceof ApiError) return error.code;
  return 'unknown_error';
}
