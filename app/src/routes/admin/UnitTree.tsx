import { A } from '@solidjs/router';
import { For, Show } from 'solid-js';
import type { UnitView as Unit } from '@seal/shared';
import { useI18n } from '../../i18n/I18nProvider';
import { unitTreeRows } from './unitTree';

/** The organisation as a tree: each unit indented by its depth, with its kind and (a site's) geofence. */
export function UnitTree(props: { units: readonly Unit[] | undefined; loading: boolean; editable?: (unitId: string) => boolean }) {
  const { t } = useI18n();
  return (
    <Show when={props.units} fallback={<Show when={props.loading}><p class="loading">{t('common.loading')}</p></Show>}>
      <ul class="unit-tree" aria-label={t('units.treeLabel')} data-testid="unit-tree">
        <For each={unitTreeRows(props.units ?? [])}>
          {(row) => (
            <li class="unit-row" style={{ '--depth': String(row.depth) }} data-unit-id={row.unit.id} data-kind={row.unit.kind}>
              <Show when={props.editable?.(row.unit.id)} fallback={<span class="unit-name">{row.unit.name}</span>}>
                <A class="unit-name" href={`/admin/units/${row.unit.id}`}>{row.unit.name}</A>
              </Show>
              <Show when={row.unit.closedAt !== undefined}>
                <span class="badge badge-off">{t('unitEdit.closedBadge')}</span>
              </Show>
              <span class={`badge badge-kind-${row.unit.kind}`}>{t(`unitKinds.${row.unit.kind}`)}</span>
              <Show when={row.unit.geofence}>
                {(fence) => (
                  <span class="unit-fence">
                    {t('units.geofence', { lat: fence().lat.toFixed(5), lon: fence().lon.toFixed(5), radius: fence().radiusM })}
                  </span>
                )}
              </Show>
            </li>
          )}
        </For>
      </ul>
    </Show>
  );
}
