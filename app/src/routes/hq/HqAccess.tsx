import { A } from '@solidjs/router';
import { Show, type JSX } from 'solid-js';
import type { SessionView as Session } from '@seal/shared';
import { MessagePanel } from '../../components/MessagePanel';
import { mayReadHq } from '../../hq/hqAccess';
import { useI18n } from '../../i18n/I18nProvider';

/** Headquarters' screens for the roles that may read the merged log; others are told why (the server refuses them anyway). */
export function HqAccess(props: { session: Session; children: () => JSX.Element }) {
  const { t } = useI18n();
  return (
    <Show
      when={mayReadHq(props.session)}
      fallback={
        <MessagePanel titleId="hq-guard-title" title={t('hq.noAccessTitle')} body={t('hq.noAccessBody')}>
          <A href="/" class="button button-secondary">
            {t('common.backHome')}
          </A>
        </MessagePanel>
      }
    >
      {props.children()}
    </Show>
  );
}
