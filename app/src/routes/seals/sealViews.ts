import {
  can, changeRowPrefix, dedupeById, factRowId, nextSealStatuses, sealCustodiansOf, sealLifecycleStateOf, sealLockRefusal, sealStatusTimeline, subjectOf,
  type Device, type Millis, type OrgUnit, type SealRecord, type SealStatus, type SealStatusChange, type Units, type User,
} from '@seal/shared';
import { sealStatusOf, statusChangeRowId } from '../../requests/sealStatusOf';

export { statusChangeRowId };

/** A seal as the screens show it: its record and the status its lifecycle facts add up to. */
export interface SealView {
  readonly seal: SealRecord;
  /** `null` while no creation change is held (it was refused, or has not arrived yet). */
  readonly status: SealStatus | null;
  /** When its last applied lifecycle change was made (`null` when none is held): a new move is dated after it. */
  readonly since: Millis | null;
}

/**
 * The lifecycle changes of each seal, without those the server refused: a refused change takes
 * no effect, on the server or here, so it must not move the status shown.
 */
export function changesBySeal(changes: readonly SealStatusChange[], refusedRowIds: ReadonlySet<string>): Map<string, SealStatusChange[]> {
  const bySeal = new Map<string, SealStatusChange[]>();
  for (const change of changes) {
    if (refusedRowIds.has(statusChangeRowId(change))) continue;
    const list = bySeal.get(change.sealId) ?? [];
    list.push(change);
    bySeal.set(change.sealId, list);
  }
  return bySeal;
}

/** Seals with their status at `now` (`sealStatusOf`), newest first (then by name, then id, so the order is stable). */
export function sealViews(seals: readonly SealRecord[], changes: readonly SealStatusChange[], refusedRowIds: ReadonlySet<string>, now: Millis): SealView[] {
  const bySeal = changesBySeal(changes, refusedRowIds);
  return seals
    .map((seal) => {
      const counted = bySeal.get(seal.id) ?? [];
      return { seal, status: sealStatusOf(counted, new Set(), now), since: counted.length === 0 ? null : sealLifecycleStateOf(sealStatusTimeline(counted)).since };
    })
    .sort((a, b) => b.seal.createdAt - a.seal.createdAt || a.seal.name.localeCompare(b.seal.name) || a.seal.id.localeCompare(b.seal.id));
}

/** What the list can be narrowed to: every seal, one status, or seals whose status is not known yet. */
export type StatusFilter = 'all' | SealStatus | 'unknown';

export function filterByStatus(views: readonly SealView[], filter: StatusFilter): SealView[] {
  if (filter === 'all') return [...views];
  return views.filter((view) => (filter === 'unknown' ? view.status === null : view.status === filter));
}

/** How many seals are in each status (for the filter's counts). */
export function countByStatus(views: readonly SealView[]): Map<StatusFilter, number> {
  const counts = new Map<StatusFilter, number>([['all', views.length]]);
  for (const view of views) {
    const key: StatusFilter = view.status ?? 'unknown';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/**
 * The lifecycle moves `actor` may make on a seal now: legal from its status (`SEAL_TRANSITIONS`)
 * and allowed for the actor's roles over the seal's unit — never `lost → active` by the seal's own
 * custodian. The same `can` the server applies to the change, so a button shown is a change accepted.
 */
export function movesFor(actor: User, seal: Pick<SealRecord, 'unitId' | 'custodianId'>, status: SealStatus | null, units: Units): SealStatus[] {
  if (status === null) return [];
  return nextSealStatuses(status).filter(
    (to) => can(actor, 'seal.transition', { unitId: seal.unitId, sealCustodianId: seal.custodianId, transition: { from: status, to } }, units).ok,
  );
}

/** What a move is called on its button: coming back from a suspension and being found differ. */
export type MoveName = 'resume' | 'found' | Exclude<SealStatus, 'active'>;

export function moveName(from: SealStatus, to: SealStatus): MoveName {
  if (to !== 'active') return to;
  return from === 'lost' ? 'found' : 'resume';
}

/** Whether a move takes the seal out of service for good (its button and dialog say so in red). */
export const isFinalMove = (to: SealStatus): boolean => to === 'confiscated' || to === 'revoked' || to === 'destroyed';

/** Units where `actor` may make a seal (`seal.create`), in the order `units` lists them. */
export function unitsWhereMayCreate<U extends { readonly id: string }>(actor: User, listed: readonly U[], units: Units): U[] {
  return listed.filter((unit) => can(actor, 'seal.create', { unitId: unit.id as OrgUnit['id'] }, units).ok);
}

/**
 * The custodians a new seal of `unitId` may name when `actorId` makes it: those who may keep its
 * seals (`sealCustodiansOf`, the rule the server judges by), and of them a custodian who makes a
 * seal keeps it themselves (`judgeSealCustodian`), so they are offered only themselves; an
 * administrator is offered every custodian of the unit.
 */
export function custodiansForNewSeal(unitId: string, users: readonly User[], units: Units, actorId: string | undefined): User[] {
  const all = sealCustodiansOf(unitId, users, units);
  const self = all.find((person) => person.id === actorId);
  return self === undefined ? all : [self];
}

/**
 * Registered devices a seal may be locked in: in service (not retired or lost), free or already
 * holding this seal, registered in the seal's unit or below it (where its users hold the device's
 * records), and on a unit where `actor` may bind devices (`device.bind`, what the server requires
 * for the device's change).
 */
export function bindableDevices(devices: readonly Device[], seal: Pick<SealRecord, 'id' | 'unitId'>, actor: User, units: Units): Device[] {
  return devices
    .filter((device) => sealLockRefusal(device, seal, units) === undefined && can(actor, 'device.bind', { unitId: device.unitId }, units).ok)
    .sort((a, b) => a.serial.localeCompare(b.serial) || a.id.localeCompare(b.id));
}

/**
 * An anti-counterfeit code as people type or paste it, reduced to its digits: full-width digits
 * (０-９) become ASCII, and spaces and dashes used to group it are dropped. Anything else stays,
 * so the check still reports it.
 */
export function normalizeAntiCounterfeitCode(text: string): string {
  return [...text.trim()]
    .map((ch) => (ch >= '０' && ch <= '９' ? String.fromCharCode(ch.charCodeAt(0) - 0xfee0) : ch))
    .filter((ch) => !/[\s\-‐‑–—－]/u.test(ch))
    .join('');
}

/** Whether any row about this seal (a change of its record, or a lifecycle change) still waits to go up. */
export function sealIsWaiting(sealId: string, outboxIds: ReadonlySet<string>): boolean {
  const recordPrefix = changeRowPrefix('seal', sealId);
  const factPrefix = `${factRowId('seal_status_change', sealId)}:`;
  for (const id of outboxIds) if (id.startsWith(recordPrefix) || id.startsWith(factPrefix)) return true;
  return false;
}

/** One line of a seal's status timeline. */
export interface TimelineEntry {
  readonly change: SealStatusChange;
  /** `applied`: it moved the seal; `skipped`: not a legal move from where the seal was by then; `refused`: by the server. */
  readonly outcome: 'applied' | 'skipped' | 'refused';
  /** Not answered by the server yet. */
  readonly waiting: boolean;
}

/** A seal's lifecycle changes in the order they took effect (time, then id), each with what came of it. */
export function timelineEntries(changes: readonly SealStatusChange[], refusedRowIds: ReadonlySet<string>, outboxIds: ReadonlySet<string>): TimelineEntry[] {
  const unique = dedupeById(changes).facts;
  const counted = unique.filter((c) => !refusedRowIds.has(statusChangeRowId(c)));
  const skipped = new Set(sealStatusTimeline(counted).skipped.map((s) => s.changeId));
  return unique
    .sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((change) => {
      const rowId = statusChangeRowId(change);
      const outcome = refusedRowIds.has(rowId) ? 'refused' : skipped.has(change.id) ? 'skipped' : 'applied';
      return { change, outcome, waiting: outboxIds.has(rowId) };
    });
}

/** The subject of a seal's rows (what the sync status's refusals name). */
export const sealSubject = (sealId: string): string => subjectOf('seal', sealId);
