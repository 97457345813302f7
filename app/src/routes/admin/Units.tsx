import { For, Show, createEffect, createSignal } from 'solid-js';
import type { Geofence, Session, Unit } from '../../api/types';
import { createUnit, fetchUnits } from '../../api/units';
import { unitsCoveredBy } from '../../auth/roles';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { RequireSession } from '../../components/RequireSession';
import { useI18n } from '../../i18n/I18nProvider';
import { createAction } from '../../primitives/createAction';
import { createLoad } from '../../primitives/createLoad';
import { parseGeofence, type GeofenceProblem } from '../../org/parseGeofence';
import { unitTreeRows } from './unitTree';
import { UnitSelect } from '../../components/UnitSelect';
import { GeofenceFields } from '../../components/GeofenceFields';
import { ChoiceGroup } from '../../components/ChoiceGroup';
import { Screen } from '../../components/Screen';

/** Admins see the organisation tree and add branches and sites (a site may carry a geofence). */
export function Units() {
  return <RequireSession role="admin">{(session) => <UnitManager session={session} />}</RequireSession>;
}

const PROBLEM_KEYS = {
  incomplete: 'units.geofenceIncomplete',
  lat: 'units.invalidLat',
  lon: 'units.invalidLon',
  radius: 'units.invalidRadius',
} as const satisfies Record<GeofenceProblem, string>;

function UnitManager(props: { session: Session }) {
  const { t } = useI18n();
  const units = createLoad(fetchUnits);
  const [name, setName] = createSignal('');
  const [kind, setKind] = createSignal<'branch' | 'site'>('site');
  const [parentId, setParentId] = createSignal('');
  const [lat, setLat] = createSignal('');
  const [lon, setLon] = createSignal('');
  const [radius, setRadius] = createSignal('');
  const [problem, setProblem] = createSignal<GeofenceProblem>();
  const [notice, setNotice] = createSignal<string>();
  const [locationError, setLocationError] = createSignal<string>();

  const rows = () => unitTreeRows(units.data() ?? []);
  // Sites have no children: parents are the HQ and branches the admin covers.
  const parents = (): Unit[] => {
    const covered = new Set(unitsCoveredBy(props.session, 'admin', units.data() ?? []).map((u) => u.id));
    return rows().map((r) => r.unit).filter((u) => u.kind !== 'site' && covered.has(u.id));
  };
  const depthOf = (id: string): number => rows().find((r) => r.unit.id === id)?.depth ?? 0;
  createEffect(() => {
    const first = parents()[0];
    if (first && parentId() === '') setParentId(first.id);
  });

  const add = createAction(async (geofence: Geofence | undefined) => {
    const unit = await createUnit({ name: name().trim(), kind: kind(), parentId: parentId(), ...(geofence ? { geofence } : {}) });
    setNotice(t('units.added', { name: unit.name }));
    setName('');
    setLat('');
    setLon('');
    setRadius('');
    await units.reload();
  });

  const onSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    setNotice(undefined);
    const parsed = kind() === 'site' ? parseGeofence(lat(), lon(), radius()) : { ok: true as const, value: undefined };
    if (!parsed.ok) {
      setProblem(parsed.problem);
      return;
    }
    setProblem(undefined);
    void add.run(parsed.value);
  };

  const useMyLocation = (): void => {
    setLocationError(undefined);
    const keepRadius = radius() !== '';
    navigator.geolocation.getCurrentPosition(
      (position) => {
        setLat(position.coords.latitude.toFixed(6));
        setLon(position.coords.longitude.toFixed(6));
        if (!keepRadius) setRadius(String(Math.max(100, Math.ceil(position.coords.accuracy / 50) * 50)));
      },
      (err) => setLocationError(t('units.locationFailed', { reason: err.message })),
      { enableHighAccuracy: true, timeout: 15_000 },
    );
  };

  return (
    <Screen id="units" title={t('units.title')} lead={t('units.lead')} notice={notice()}>
      <div class="columns">
        <div class="column-main">
          <h2 class="section-title">{t('units.treeLabel')}</h2>
          <ErrorAlert error={units.error()} />
          <Show when={units.data()} fallback={<Show when={units.loading()}><p class="loading">{t('common.loading')}</p></Show>}>
            <ul class="unit-tree" aria-label={t('units.treeLabel')} data-testid="unit-tree">
              <For each={rows()}>
                {(row) => (
                  <li class="unit-row" style={{ '--depth': String(row.depth) }} data-unit-id={row.unit.id} data-kind={row.unit.kind}>
                    <span class="unit-name">{row.unit.name}</span>
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
        </div>
        <form class="panel form column-side" aria-labelledby="add-unit-title" onSubmit={onSubmit}>
          <h2 id="add-unit-title">{t('units.addTitle')}</h2>
          <ChoiceGroup name="unit-kind" legend={t('units.kindLabel')} options={['site', 'branch'] as const} value={kind()} label={(option) => t(`unitKinds.${option}`)} onChange={setKind} disabled={add.pending()} />
          <Field id="unit-name" label={t('units.nameLabel')}>
            <input id="unit-name" class="input" type="text" required maxLength={200} value={name()} onInput={(e) => setName(e.currentTarget.value)} disabled={add.pending()} />
          </Field>
          <Field id="unit-parent" label={t('units.parentLabel')}>
            <UnitSelect id="unit-parent" required value={parentId()} units={parents().map((unit) => ({ unit, depth: depthOf(unit.id) }))} onChange={setParentId} disabled={add.pending()} />
          </Field>
          <Show when={kind() === 'site'}>
            <GeofenceFields idPrefix="fence" hintId="geofence-hint" hint={t('units.geofenceHint')} lat={{ value: lat(), set: setLat }} lon={{ value: lon(), set: setLon }} radius={{ value: radius(), set: setRadius }} disabled={add.pending()} limits>
              <Show when={'geolocation' in navigator}>
                <button type="button" class="button button-secondary" onClick={useMyLocation} disabled={add.pending()}>
                  {t('units.useLocation')}
                </button>
              </Show>
              <Show when={locationError()}>
                <p class="alert alert-error" role="alert">
                  {locationError()}
                </p>
              </Show>
            </GeofenceFields>
          </Show>
          <Show when={problem()}>
            {(p) => (
              <p class="alert alert-error" role="alert" data-error-code={`geofence_${p()}`}>
                {t(PROBLEM_KEYS[p()])}
              </p>
            )}
          </Show>
          <ErrorAlert error={add.error()} />
          <div class="form-actions">
            <button type="submit" class="button button-primary" disabled={add.pending() || parents().length === 0}>
              {t('units.add')}
            </button>
          </div>
        </form>
      </div>
    </Screen>
  );
}
