import { A, useParams } from '@solidjs/router';
import { Show, createEffect, createMemo, createSignal, on } from 'solid-js';
import { isInSubtree, type SessionView as Session } from '@seal/shared';
import { fetchPeople } from '../../api/people';
import { closeUnit, fetchUnits, moveUnit, updateUnit } from '../../api/units';
import { unitsCoveredBy } from '../../auth/roles';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { ErrorAlert } from '../../components/ErrorAlert';
import { Field } from '../../components/Field';
import { FormSubmit } from '../../components/FormSubmit';
import { GeofenceFields } from '../../components/GeofenceFields';
import { RequireSession } from '../../components/RequireSession';
import { Screen } from '../../components/Screen';
import { TextField } from '../../components/TextField';
import { UnitSelect } from '../../components/UnitSelect';
import { useI18n } from '../../i18n/I18nProvider';
import { closeBlockers, unitMoveEffect } from '../../org/unitMoveEffect';
import { parseGeofence } from '../../org/parseGeofence';
import { createAction } from '../../primitives/createAction';
import { createLoad } from '../../primitives/createLoad';
import { OPEN_STATUSES } from '../../requests/requestFilters';
import { useRequests } from '../../requests/RequestsProvider';
import { MoveEffectPanel } from './MoveEffectPanel';
import { unitTreeRows } from './unitTree';

/** `/admin/units/:id`: rename a unit, set its geofence, move it (the effect shown first), close it. */
export function UnitEdit() {
  return <RequireSession role="admin">{(session) => <UnitEditor session={session} />}</RequireSession>;
}

function UnitEditor(props: { session: Session }) {
  const { t } = useI18n();
  const params = useParams<{ id: string }>();
  const units = createLoad(fetchUnits);
  const people = createLoad(fetchPeople);
  const requests = useRequests();
  const unit = createMemo(() => units.data()?.find((u) => u.id === params.id));
  const [name, setName] = createSignal('');
  const [lat, setLat] = createSignal('');
  const [lon, setLon] = createSignal('');
  const [radius, setRadius] = createSignal('');
  const [parentId, setParentId] = createSignal('');
  const [notice, setNotice] = createSignal<string>();
  const [closing, setClosing] = createSignal(false);
  createEffect(on(unit, (u) => {
    if (u === undefined) return;
    setName(u.name);
    setLat(u.geofence ? String(u.geofence.lat) : '');
    setLon(u.geofence ? String(u.geofence.lon) : '');
    setRadius(u.geofence ? String(u.geofence.radiusM) : '');
  }));
  const rows = () => unitTreeRows(units.data() ?? []);
  const covered = () => new Set(unitsCoveredBy(props.session, 'admin', units.data() ?? []).map((u) => u.id));
  // Where it may go: an open HQ or branch the admin covers, not its own parent, not inside itself.
  const parents = () => {
    const u = unit();
    if (u === undefined) return [];
    const all = units.data() ?? [];
    return rows().filter((r) => r.unit.kind !== 'site' && r.unit.closedAt === undefined && covered().has(r.unit.id) && r.unit.id !== u.parentId && !isInSubtree(r.unit.id, u.id, all));
  };
  const effect = createMemo(() => {
    const u = unit();
    if (u === undefined || parentId() === '') return undefined;
    const open = requests.entries().filter((e) => e.view !== undefined && OPEN_STATUSES.includes(e.view.status)).map((e) => ({ unitId: e.request.unitId }));
    return unitMoveEffect({ units: units.data() ?? [], people: people.data() ?? [], seals: requests.seals(), openRequests: open }, u.id, parentId());
  });
  const blockers = createMemo(() => closeBlockers(units.data() ?? [], people.data() ?? [], params.id));
  const nameOf = (id: string) => units.data()?.find((u) => u.id === id)?.name ?? id;

  const save = createAction(async () => {
    const u = unit()!;
    const fence = u.kind === 'site' && (lat() !== '' || lon() !== '' || radius() !== '') ? parseGeofence(lat(), lon(), radius()) : undefined;
    if (fence !== undefined && !fence.ok) throw new Error(t('units.geofenceIncomplete'));
    await updateUnit(u.id, { name: name().trim(), ...(u.kind === 'site' ? { geofence: fence?.ok ? fence.value : null } : {}) });
    setNotice(t('unitEdit.saved'));
    await units.reload();
  });
  const move = createAction(async () => {
    const target = parentId();
    await moveUnit(params.id, target);
    setNotice(t('unitEdit.moved', { parent: nameOf(target) }));
    setParentId('');
    await units.reload();
  });
  const close = createAction(async () => {
    const u = await closeUnit(params.id);
    setClosing(false);
    setNotice(t('unitEdit.closed', { unit: u.name }));
    await units.reload();
  });

  return (
    <Screen id="unit-edit" title={unit()?.name ?? t('unitEdit.title')} lead={t('unitEdit.lead')} notice={notice()} actions={<A href="/admin/units" class="button button-secondary">{t('unitEdit.back')}</A>}>
      <ErrorAlert error={units.error()} />
      <Show when={unit()} fallback={<Show when={!units.loading()}><p class="empty">{t('unitEdit.notFound')}</p></Show>}>
        {(u) => (
          <div class="unit-edit">
            <Show when={u().closedAt !== undefined}>
              <p class="note note-warn" data-testid="unit-closed">{t('unitEdit.closedBadge')}</p>
            </Show>
            <form class="panel form" aria-labelledby="rename-title" onSubmit={(e) => { e.preventDefault(); void save.run(); }}>
              <h2 id="rename-title">{t('unitEdit.renameTitle')}</h2>
              <TextField id="unit-edit-name" label={t('units.nameLabel')} required maxLength={200} value={name()} onInput={setName} disabled={save.pending()} />
              <Show when={u().kind === 'site'}>
                <GeofenceFields idPrefix="edit-fence" hintId="edit-fence-hint" hint={t('units.geofenceHint')} lat={{ value: lat(), set: setLat }} lon={{ value: lon(), set: setLon }} radius={{ value: radius(), set: setRadius }} disabled={save.pending()} limits />
              </Show>
              <FormSubmit label={t('unitEdit.save')} disabled={save.pending() || name().trim() === ''} error={save.error()} />
            </form>
            <Show when={u().parentId !== null && u().closedAt === undefined}>
              <form class="panel form" aria-labelledby="move-title" onSubmit={(e) => { e.preventDefault(); void move.run(); }} data-testid="move-form">
                <h2 id="move-title">{t('unitEdit.moveTitle')}</h2>
                <Field id="unit-move-parent" label={t('unitEdit.newParent')}>
                  <UnitSelect id="unit-move-parent" value={parentId()} placeholder={t('unitEdit.chooseParent')} units={parents().map((r) => ({ unit: r.unit, depth: r.depth }))} onChange={setParentId} disabled={move.pending()} />
                </Field>
                <Show when={effect()}>{(e) => <MoveEffectPanel effect={e()} unitName={u().name} parentName={nameOf(parentId())} nameOf={nameOf} />}</Show>
                <FormSubmit label={t('unitEdit.moveApply')} disabled={move.pending() || effect() === undefined} error={move.error()} />
              </form>
              <section class="panel" aria-labelledby="close-title">
                <h2 id="close-title">{t('unitEdit.closeTitle')}</h2>
                <p>{t('unitEdit.closeBody')}</p>
                <Show when={blockers().openUnits.length > 0 || blockers().people.length > 0}>
                  <p class="note note-warn" data-testid="close-blocked">{t('unitEdit.closeBlocked', { units: String(blockers().openUnits.length), people: String(blockers().people.length) })}</p>
                </Show>
                <button type="button" class="button button-danger" disabled={blockers().openUnits.length > 0 || blockers().people.length > 0} onClick={() => { close.clearError(); setClosing(true); }}>
                  {t('unitEdit.close')}
                </button>
              </section>
            </Show>
          </div>
        )}
      </Show>
      <ConfirmDialog open={closing()} title={t('unitEdit.closeConfirm', { unit: unit()?.name ?? '' })} confirmLabel={t('unitEdit.close')} pending={close.pending()} error={close.error()} onConfirm={() => void close.run()} onCancel={() => setClosing(false)}>
        <p>{t('unitEdit.closeBody')}</p>
      </ConfirmDialog>
    </Screen>
  );
}
