import * as i18n from '@solid-primitives/i18n';
import { describe, expect, it } from 'vitest';
import { summaryItems } from './eventSummary';
import { summaryWords } from './summaryWords';
import { en } from '../i18n/en';
import type { Translate } from '../i18n/I18nProvider';
import { zhCN } from '../i18n/zh-CN';

const translator = (dictionary: typeof en): Translate => i18n.translator(() => i18n.flatten(dictionary), i18n.resolveTemplate);
const names = (t: Translate) => ({ nameOf: () => undefined, moment: (ms: number) => `@${ms}`, yesNo: (v: boolean) => String(v), ...summaryWords(t) });

describe('an event summary on the merged log, in the reader language', () => {
  it('names the fields and says the codes in Chinese, leaving out hashes, machine ids and the device English message', () => {
    const t = translator(zhCN);
    const refusal = summaryItems({ seq: 10, code: 'locked', message: 'press on page 1 while locked', grantId: 'g-1' }, names(t));
    expect(refusal).toEqual([{ name: zhCN.hq.fields.seq, value: '10' }, { name: zhCN.hq.fields.code, value: zhCN.stamp.codes.locked }]);
    const stamp = summaryItems({ seq: 3, grantId: 'g-1', useIndex: 1, photoSha256: 'ab'.repeat(32), withoutGrant: false, lat: null, lon: null }, names(t));
    expect(stamp.map((i) => i.name)).toEqual([zhCN.hq.fields.seq, zhCN.hq.fields.useIndex, zhCN.hq.fields.withoutGrant]);
    const lock = summaryItems({ seq: 4, cause: 'uses_exhausted' }, names(t));
    expect(lock[1]).toEqual({ name: zhCN.hq.fields.cause, value: zhCN.stamp.lockCause.uses_exhausted });
    const moved = summaryItems({ from: 'active', to: 'suspended', actorRole: 'custodian', reason: '年检' }, names(t));
    expect(moved.map((i) => i.value)).toEqual([zhCN.sealStatuses.active, zhCN.sealStatuses.suspended, zhCN.roles.custodian, '年检']);
    for (const item of [...refusal, ...stamp, ...lock, ...moved]) expect(item.name).not.toMatch(/[A-Za-z]/);
  });

  it('keeps a device message whose code it has no words for, and the server name of a field it does not know', () => {
    const t = translator(en);
    const unknown = summaryItems({ seq: 1, code: 'brand_new_code', message: 'something new', novelField: 7 }, names(t));
    expect(unknown).toEqual([
      { name: en.hq.fields.seq, value: '1' },
      { name: en.hq.fields.code, value: 'brand_new_code' },
      { name: en.hq.fields.message, value: 'something new' },
      { name: 'novelField', value: '7' },
    ]);
  });
});
