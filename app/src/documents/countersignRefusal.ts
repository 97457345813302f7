import type { Translate } from '../i18n/I18nProvider';
import { zhCN } from '../i18n/zh-CN';

type RefusalKey = keyof typeof zhCN.sync.refusal;
const REFUSALS = new Set<string>(Object.keys(zhCN.sync.refusal));

/**
 * Why the organisation did not countersign an impression, in the reader's language: the codes the
 * countersign route answers with (`pdf_not_as_stamped`, `pdf_ambiguous`, `pdf_mismatch`, the
 * impression's own `impression_*` refusals) have their sentence here; any other code keeps the
 * server's own words, so nothing is hidden.
 */
export function countersignRefusalText(t: Translate, code: string, message: string): string {
  if (code === 'pdf_not_as_stamped') return t('stampPdf.countersignNotAsStamped');
  if (code === 'pdf_ambiguous') return t('stampPdf.ambiguous');
  if (code === 'pdf_mismatch') return t('stampPdf.countersignPdfMismatch');
  if (REFUSALS.has(code)) return t('stampPdf.countersignReason', { reason: t(`sync.refusal.${code as RefusalKey}`) });
  return message;
}
