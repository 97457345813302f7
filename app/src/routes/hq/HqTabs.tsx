import { A } from '@solidjs/router';
import { useI18n } from '../../i18n/I18nProvider';
import type { SearchParams } from '../../hq/hqViews';

/** The query parameters the views read (scope and period): kept when switching between them. */
const SHARED = ['unit', 'from', 'to'] as const;

/** Headquarters' views, as links that keep the scope and period chosen. */
export function HqTabs(props: { params: SearchParams }) {
  const { t } = useI18n();
  const carried = (): string => {
    const query = new URLSearchParams();
    for (const name of SHARED) {
      const value = props.params[name];
      if (typeof value === 'string' && value !== '') query.set(name, value);
    }
    const text = query.toString();
    return text === '' ? '' : `?${text}`;
  };
  const tab = (href: string, label: string) => (
    <A href={`${href}${carried()}`} class="hq-tab" end>
      {label}
    </A>
  );
  return (
    <nav class="hq-tabs" aria-label={t('hq.navLabel')}>
      {tab('/hq', t('hq.tabLog'))}
      {tab('/hq/dashboard', t('hq.tabDashboard'))}
      {tab('/hq/cases', t('hq.tabCases'))}
    </nav>
  );
}
