import { ApiError } from '../api/ApiError';
import { PasskeyError } from '../auth/PasskeyError';
import type { Translate } from './I18nProvider';
import { zhCN, type Dictionary } from './zh-CN';

type ErrorKey = keyof Dictionary['errors'];
const KNOWN = new Set<string>(Object.keys(zhCN.errors));
const isKnown = (code: string): code is ErrorKey => KNOWN.has(code) && code !== 'unknown';

/**
 * The sentence to show a person for a failure: the translation of its code when this app knows
 * the code, else a generic one carrying the server's (English) message, so nothing is hidden.
 */
export function describeError(t: Translate, err: unknown): string {
  if (err instanceof ApiError && err.code === 'rate_limited') {
    return err.retryAfterSeconds === undefined ? t('errors.rate_limited_soon') : t('errors.rate_limited', { seconds: err.retryAfterSeconds });
  }
  if (err instanceof ApiError || err instanceof PasskeyError) {
    const key = isKnown(err.code) ? err.code : 'unknown';
    return t(`errors.${key}`, { detail: err.message });
  }
  return t('errors.unknown', { detail: err instanceof Error ? err.message : String(err) });
}

/** The code of a failure, for tests and `data-error-code` attributes. */
export const errorCode = (err: unknown): string => (err instanceof ApiError || err instanceof PasskeyError ? err.code : 'unknown');
