import { describe, expect, it } from 'vitest';
import * as i18n from '@solid-primitives/i18n';
import { en } from './en';
import { zhCN } from './zh-CN';
import { resolvePlurals, resolveWithPlurals } from './plurals';

describe('English counts', () => {
  it('say one thing in the singular and several in the plural, taking the number nearest before the word', () => {
    expect(resolvePlurals('1 change(s) to seals')).toBe('1 change to seals');
    expect(resolvePlurals('0 change(s) to seals')).toBe('0 changes to seals');
    expect(resolvePlurals('12 more approval(s) needed')).toBe('12 more approvals needed');
    expect(resolvePlurals('1 more approval(s) needed')).toBe('1 more approval needed');
    expect(resolvePlurals('Moving A gives 3 people’s roles a new place; 1 seal(s) and 2 open request(s) move with it.')).toBe('Moving A gives 3 people’s roles a new place; 1 seal and 2 open requests move with it.');
    expect(resolvePlurals('2 active person(s) hold a role there, 1 person(s) left')).toBe('2 active people hold a role there, 1 person left');
    expect(resolvePlurals('1,200 stamp(s)')).toBe('1,200 stamps');
    expect(resolvePlurals('approval(s) with no number')).toBe('approval(s) with no number');
  });

  it('are chosen by the app\'s translator after the placeholders are filled; Chinese is left as it is', () => {
    const t = i18n.translator(() => i18n.flatten(en), resolveWithPlurals);
    expect(t('sync.attachments', { count: '1' })).toBe('1 attachment waiting to go up');
    expect(t('sync.attachments', { count: '4' })).toBe('4 attachments waiting to go up');
    // A name someone typed is never rewritten.
    expect(t('sync.attachments', { count: '1' }).length).toBeGreaterThan(0);
    expect(i18n.translator(() => ({ line: 'Seal {{ name }}: {{ count }} stamp(s)' }), resolveWithPlurals)('line', { name: '合同 3 copy(s) 章', count: '1' })).toBe('Seal 合同 3 copy(s) 章: 1 stamp');
    const zh = i18n.translator(() => i18n.flatten(zhCN), resolveWithPlurals);
    expect(zh('sync.attachments', { count: '1' })).toBe(i18n.resolveTemplate(zhCN.sync.attachments, { count: '1' }));
  });
});
