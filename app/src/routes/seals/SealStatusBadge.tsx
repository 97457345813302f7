import type { SealStatus } from '@seal/shared';
import { useI18n } from '../../i18n/I18nProvider';

/** A seal's derived status as a coloured badge; "not known" while no creation change is held. */
export function SealStatusBadge(props: { status: SealStatus | null }) {
  const { t } = useI18n();
  return (
    <span class={`badge seal-status seal-status-${props.status ?? 'unknown'}`} data-status={props.status ?? 'unknown'}>
      {props.status === null ? t('seals.statusUnknown') : t(`sealStatuses.${props.status}`)}
    </span>
  );
}

/** "Waiting to sync": rows about this thing were made here and the server has not answered them yet. */
export function WaitingBadge() {
  const { t } = useI18n();
  return (
    <span class="badge seal-waiting" data-testid="waiting">
      {t('seals.waiting')}
    </span>
  );
}
