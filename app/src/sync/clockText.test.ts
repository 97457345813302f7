import * as i18n from '@solid-primitives/i18n';
import { describe, expect, it } from 'vitest';
import { en } from '../i18n/en';
import type { Translate } from '../i18n/I18nProvider';
import { zhCN } from '../i18n/zh-CN';
import type { RefusedRowView } from '../store/syncStatus';
import { clockNote, futureMoveNote } from './clockText';

const translate = (dictionary: typeof zhCN): Translate => i18n.translator(() => i18n.flatten(dictionary), i18n.resolveTemplate);
const tEn = translate(en);
const tZh = translate(zhCN);
const MINUTE = 60_000;
const T = 1_790_000_000_000;
const refused = (remade?: RefusedRowView['remade']): RefusedRowView => ({
  id: 'fact:seal_status_change:x', kind: 'seal_status_change', subject: 'seal:S1', code: 'future_time', message: '', refusedAt: T, ...(remade ? { remade } : {}),
});

describe("what the sync status says of this device's clock", () => {
  it('nothing while it is within a minute of the server\'s, or not known', () => {
    expect(clockNote(tEn, null)).toBeUndefined();
    expect(clockNote(tEn, { offsetMs: -59_000, clamped: false, checkedAt: T })).toBeUndefined();
  });

  it('how far fast or slow it is, and that times are corrected, in both languages (您 where it asks something of the reader)', () => {
    expect(clockNote(tEn, { offsetMs: -12 * MINUTE, clamped: false, checkedAt: T })).toBe("This device's clock is 12 min fast; times recorded here are corrected to the server's");
    expect(clockNote(tEn, { offsetMs: 3 * 60 * MINUTE + 5 * MINUTE, clamped: false, checkedAt: T })).toBe("This device's clock is 3 h 5 min slow; times recorded here are corrected to the server's");
    expect(clockNote(tZh, { offsetMs: -12 * MINUTE, clamped: false, checkedAt: T })).toBe('本机的时钟快了 12 分钟，本机记录的时间已按服务器时间自动校正');
    expect(clockNote(tZh, { offsetMs: -24 * 60 * MINUTE, clamped: true, checkedAt: T })).toMatch(/超过一天.*请您/);
  });

  it('what became of a move refused for its date', () => {
    expect(futureMoveNote(tEn, 'en', refused({ outcome: 'remade', rowId: 'fact:seal_status_change:y', at: T, offsetMs: -3 * 60 * MINUTE }), null)).toMatch(/^Made again by itself, dated .+ \(this device's clock was 3 h 0 min fast\)/);
    expect(futureMoveNote(tZh, 'zh-CN', refused({ outcome: 'seal_moved', offsetMs: -3 * 60 * MINUTE }), null)).toMatch(/印章此后已有变更.*请您/);
    expect(futureMoveNote(tEn, 'en', refused(), { offsetMs: -24 * 60 * MINUTE, clamped: true, checkedAt: T })).toMatch(/Set its date and time/);
    // Being decided (the answer that refused it is still being written), or another refusal: nothing.
    expect(futureMoveNote(tEn, 'en', refused(), { offsetMs: -3 * 60 * MINUTE, clamped: false, checkedAt: T })).toBeUndefined();
    expect(futureMoveNote(tEn, 'en', { ...refused(), code: 'stale_transition' }, null)).toBeUndefined();
  });
});
