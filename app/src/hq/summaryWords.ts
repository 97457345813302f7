import type { Translate } from '../i18n/I18nProvider';
import { zhCN } from '../i18n/zh-CN';

type Dict = Readonly<Record<string, unknown>>;

/** Where each coded summary field's values are said in words (the dictionary's own key, as `t` takes it). */
const CODED: Readonly<Record<string, readonly [prefix: string, words: Dict]>> = {
  code: ['stamp.codes', zhCN.stamp.codes],
  cause: ['stamp.lockCause', zhCN.stamp.lockCause],
  alarmKind: ['webhooks.alarmKinds', zhCN.webhooks.alarmKinds],
  verdict: ['evidence.verdicts', zhCN.evidence.verdicts],
  from: ['sealStatuses', zhCN.sealStatuses],
  to: ['sealStatuses', zhCN.sealStatuses],
  actorRole: ['roles', zhCN.roles],
  sealKind: ['sealKinds', zhCN.sealKinds],
  form: ['sealForms', zhCN.sealForms],
  severity: ['cases.severities', zhCN.cases.severities],
};

/**
 * The words the merged log puts on an event's summary (`summaryItems`): a field's name
 * (`hq.fields`), and a coded value (a device's refusal code, a lock's cause, an alarm's kind, a
 * verdict, a seal status, a role…) from the dictionary that already says it elsewhere.
 * `undefined` where this app has no words (the server's own then shows).
 */
export function summaryWords(t: Translate): { field: (name: string) => string | undefined; code: (name: string, value: string) => string | undefined } {
  const say = t as unknown as (key: string) => string | undefined;
  return {
    field: (name) => (Object.hasOwn(zhCN.hq.fields, name) ? say(`hq.fields.${name}`) : undefined),
    code: (name, value) => {
      const coded = CODED[name];
      return coded !== undefined && Object.hasOwn(coded[1], value) && typeof coded[1][value] === 'string' ? say(`${coded[0]}.${value}`) : undefined;
    },
  };
}
