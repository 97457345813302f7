import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { zhCN } from '../../i18n/zh-CN';
import { createRecords } from '../../sync/createRecords';

/**
 * The words the stamping screen puts on ids, codes and times: names for the ids a grant carries,
 * from the records this tablet holds (the ids themselves when not held).
 */
export function createStampNames() {
  const { t, locale } = useI18n();
  const seals = createRecords('seal');
  const requests = createRecords('request');
  const sealOf = (id: string) => seals().find((s) => s.recordId === id)?.record;
  const sealName = (id: string): string => sealOf(id)?.name ?? id;
  return {
    sealOf,
    sealName,
    sealLabel: (id: string | null): string => (id === null ? '—' : sealName(id)),
    requestTitle: (id: string): string => {
      const request = requests().find((r) => r.recordId === id)?.record;
      return request === undefined ? id : `${request.document.title} · ${request.purpose}`;
    },
    date: (ms: number): string => formatDateTime(ms, locale()),
    /** A device's code in words; an unknown code by itself. */
    codeText: (code: string): string =>
      Object.hasOwn(zhCN.stamp.codes, code) ? t(`stamp.codes.${code}` as 'stamp.codes.unknown_error') : t('stamp.codes.unknown_code', { code }),
  };
}
export type StampNames = ReturnType<typeof createStampNames>;
