import { Show, createEffect, createSignal } from 'solid-js';
import type { Geofence, SessionView as Session, UnitView as Unit } from '@seal/shared';
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
import { UnitTree } from './UnitTree';
import { UnitSelect } from '../../components/UnitSelect';
import { GeofenceFields } from '../../components/GeofenceFields';
import { ChoiceGroup } from '../../components/ChoiceGroup';
import { Screen } from '../../components/Screen';
import { FormSubmit } from '../../components/FormSubmit';
import { TextField } from '../../components/TextField';

/** Fills a geofence's centre from this device's position, and its radius from the fix's accuracy when asked. */
function locateInto(fence: { setLat: (v: string) => void; setLon: (v: string) => void; setRadius: ((v: string) => void) | undefined }, onError: (reason: string) => void): void {
  navigator.geolocation.getCurrentPosition(
    (position) => {
      fence.setLat(position.coords.latitude.toFixed(6));
      fence.setLon(position.coords.longitude.toFixed(6));
      fence.setRadius?.(String(Math.max(100, Math.ceil(position.coords.accuracy / 50) * 50)));
    },
    (err) => onError(err.message),
    { enableHighAccuracy: true, timeout: 15_000 },
  );
}

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
    locateInto({ setLat, setLon, setRadius: radius() === '' ? setRadius : undefined }, (reason) => setLocationError(t('units.locationFailed', { reason })));
  };

  return (
    <Screen id="units" title={t('units.title')} lead={t('units.lead')} notice={notice()}>
      <div class="columns">
        <div class="column-main">
          <h2 class="section-title">{t('units.treeLabel')}</h2>
          <ErrorAlert error={units.error()} />
          <UnitTree units={units.data()} loading={units.loading()} editable={(id) => unitsCoveredBy(props.session, 'admin', units.data() ?? []).some((u) => u.id === id)} />
        </div>
        <form class="panel form column-side" aria-labelledby="add-unit-title" onSubmit={onSubmit}>
          <h2 id="add-unit-title">{t('units.addTitle')}</h2>
          <ChoiceGroup name="unit-kind" legend={t('units.kindLabel')} options={['site', 'branch'] as const} value={kind()} label={(option) => t(`unitKinds.${option}`)} onChange={setKind} disabled={add.pending()} />
          <TextField id="unit-name" label={t('units.nameLabel')} required maxLength={200} value={name()} onInput={setName} disabled={add.pending()} />
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
          <FormSubmit label={t('units.add')} disabled={add.pending() || parents().length === 0} error={add.error()} />
        </form>
      </div>
    </Screen>
  );
}
