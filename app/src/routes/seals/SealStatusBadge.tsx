import type { SealStatus } from '@seal/shared';
import { useI18n } from '../../i18n/I18nProvider';

/**
 * A seal's derived status as a coloured badge; while no creation change is held, "awaiting
 * approval" when making it goes through an approval route (`awaiting`), else "not known".
 */
export function SealStatusBadge(props: { status: SealStatus | null; awaiting?: boolean }) {
  const { t } = useI18n();
  const key = () => props.status ?? (props.awaiting === true ? 'awaiting_approval' : 'unknown');
  return (
    <span class={`badge seal-status seal-status-${key()}`} data-status={key()}>
      {props.status !== null ? t(`sealStatuses.${props.status}`) : props.awaiting === true ? t('seals.awaitingApproval') : t('seals.statusUnknown')}
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
