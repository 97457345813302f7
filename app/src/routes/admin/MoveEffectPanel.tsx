import { Show } from 'solid-js';
import { useI18n } from '../../i18n/I18nProvider';
import type { ReachChange, UnitMoveEffect } from '../../org/unitMoveEffect';

/** What a move does, in words, before it is applied (`unitMoveEffect`). */
export function MoveEffectPanel(props: { effect: UnitMoveEffect; unitName: string; parentName: string; nameOf: (unitId: string) => string }) {
  const { t } = useI18n();
  const names = (list: readonly ReachChange[]) =>
    list.length === 0 ? t('unitEdit.effectNone') : list.map((r) => `${r.name}（${t('roles.onUnit', { role: t(`roles.${r.role}`), unit: props.nameOf(r.unitId) })}）`).join('、');
  return (
    <div class="note move-effect" role="status" data-testid="move-effect">
      <h3>{t('unitEdit.effectTitle')}</h3>
      <p data-testid="move-effect-summary">
        {t('unitEdit.effectSummary', { unit: props.unitName, parent: props.parentName, people: String(props.effect.people.length), seals: String(props.effect.seals), requests: String(props.effect.openRequests) })}
      </p>
      <Show when={props.effect.unitIds.length > 1}>
        <p>{t('unitEdit.effectUnits', { units: props.effect.unitIds.map(props.nameOf).join('、') })}</p>
      </Show>
      <p>{t('unitEdit.effectLosing', { names: names(props.effect.losing) })}</p>
      <p>{t('unitEdit.effectGaining', { names: names(props.effect.gaining) })}</p>
      <p class="muted">{t('unitEdit.effectPartial')}</p>
    </div>
  );
}
