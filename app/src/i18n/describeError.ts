import { SealDeviceError, TransportError } from '@seal/device-bridge';
import { ApiError, isGivenUpError } from '../api/ApiError';
import { PasskeyError } from '../auth/PasskeyError';
import type { Translate } from './I18nProvider';
import { zhCN, type Dictionary } from './zh-CN';

type ErrorKey = keyof Dictionary['errors'];
const KNOWN = new Set<string>(Object.keys(zhCN.errors));
const isKnown = (code: string): code is ErrorKey => KNOWN.has(code) && code !== 'unknown';
type DeviceCodeKey = keyof Dictionary['stamp']['codes'];
const DEVICE_CODES = new Set<string>(Object.keys(zhCN.stamp.codes));

/**
 * The sentence to show a person for a failure: the translation of its code when this app knows
 * the code, else a generic one carrying the server's (English) message, so nothing is hidden.
 */
export function describeError(t: Translate, err: unknown): string {
  if (err instanceof ApiError && err.code === 'rate_limited') {
    return err.retryAfterSeconds === undefined ? t('errors.rate_limited_soon') : t('errors.rate_limited', { seconds: err.retryAfterSeconds });
  }
  // No answer in time: the server may have done what was asked (a write committed, its answer
  // stuck on the link), so the words say so rather than "could not be reached".
  if (isGivenUpError(err)) {
    return t('errors.network_timeout');
  }
  if (err instanceof ApiError || err instanceof PasskeyError) {
    const key = isKnown(err.code) ? err.code : 'unknown';
    return t(`errors.${key}`, { detail: err.message });
  }
  // A seal device's refusal or a broken link: the words the stamping screen uses for its code.
  if (err instanceof SealDeviceError || err instanceof TransportError) {
    return DEVICE_CODES.has(err.code) ? t(`stamp.codes.${err.code as DeviceCodeKey}`) : t('stamp.codes.unknown_code', { code: err.code });
  }
  return t('errors.unknown', { detail: err instanceof Error ? err.message : String(err) });
}

/** The code of a failure, for tests and `data-error-code` attributes. */
export const errorCode = (err: unknown): string =>
  err instanceof ApiError || err instanceof PasskeyError || err instanceof SealDeviceError || err instanceof TransportError ? err.code : 'unknown';
