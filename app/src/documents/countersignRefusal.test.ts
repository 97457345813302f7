import * as i18n from '@solid-primitives/i18n';
import { describe, expect, it } from 'vitest';
import { countersignRefusalText } from './countersignRefusal';
import { en } from '../i18n/en';
import type { Translate } from '../i18n/I18nProvider';
import { zhCN } from '../i18n/zh-CN';

const translator = (dictionary: typeof en): Translate => i18n.translator(() => i18n.flatten(dictionary), i18n.resolveTemplate);
const ENGLISH_MESSAGE = 'this PDF could read differently in a viewer and in the stamping code: object 3 is defined twice';

describe('why the organisation did not countersign, in the reader language', () => {
  it('gives a Chinese sentence, not the server English, for the refusals the countersign route answers with', () => {
    const t = translator(zhCN);
    for (const code of ['pdf_ambiguous', 'pdf_not_as_stamped', 'pdf_mismatch', 'impression_beyond_uses', 'impression_wrong_document']) {
      const text = countersignRefusalText(t, code, ENGLISH_MESSAGE);
      expect(text, code).not.toContain(ENGLISH_MESSAGE);
      expect(text, code).toMatch(/[\u4e00-\u9fff]/);
      expect(text, code).not.toMatch(/[A-Za-z]{4,}/);
    }
    expect(countersignRefusalText(t, 'impression_beyond_uses', '')).toContain(zhCN.sync.refusal.impression_beyond_uses);
  });

  it('says in English what each refusal means, and keeps the server words for a code it does not know', () => {
    const t = translator(en);
    expect(countersignRefusalText(t, 'pdf_ambiguous', ENGLISH_MESSAGE)).toMatch(/export|print/i);
    expect(countersignRefusalText(t, 'impression_outside_window', 'x')).toBe(`${en.sync.refusal.impression_outside_window}.`);
    expect(countersignRefusalText(t, 'not_countersignable', 'the file is not a readable PDF: bad xref')).toBe('the file is not a readable PDF: bad xref');
  });
});
