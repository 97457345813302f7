import { describe, expect, it } from 'vitest';
import { governanceTag, reasonWithoutTag } from './governanceTag';

describe('a lifecycle change reason', () => {
  it('reads without the governance tag the server adds, which names the request', () => {
    expect(reasonWithoutTag(`季度检查 Quarterly audit ${governanceTag('gov_vnc7adb478eq0yj2')}`)).toEqual({ text: '季度检查 Quarterly audit', requestId: 'gov_vnc7adb478eq0yj2' });
    expect(reasonWithoutTag('Lost on site')).toEqual({ text: 'Lost on site', requestId: undefined });
    expect(reasonWithoutTag('[governance gov_x] and more')).toEqual({ text: '[governance gov_x] and more', requestId: undefined });
  });
});
