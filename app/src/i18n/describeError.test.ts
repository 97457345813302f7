import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/ApiError';
import { describeError } from './describeError';
import { en } from './en';
import type { Translate } from './I18nProvider';
import { zhCN } from './zh-CN';

/** The key asked for, so the test sees which sentence was chosen. */
const keyOf: Translate = ((key: string) => key) as Translate;

const network = (cause: unknown) => new ApiError({ status: 0, code: 'network', message: 'GET /api/units got no answer from the server', cause });

describe('describeError for a call that got no answer', () => {
  it('says the server did not answer in time (what was sent may be saved) when the call was given up, and could not be reached otherwise', () => {
    expect(describeError(keyOf, network(new DOMException('no answer began', 'TimeoutError')))).toBe('errors.network_timeout');
    expect(describeError(keyOf, network(new TypeError('Failed to fetch')))).toBe('errors.network');
    expect(describeError(keyOf, network(new DOMException('aborted', 'AbortError')))).toBe('errors.network');
  });

  it('has the sentence in both languages, the Chinese addressing the reader with 您', () => {
    expect(en.errors.network_timeout).toMatch(/in time/);
    expect(zhCN.errors.network_timeout).toMatch(/您/);
  });
});
