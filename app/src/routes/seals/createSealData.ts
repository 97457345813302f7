import { createMemo, createSignal, onCleanup, type Accessor } from 'solid-js';
import type { Device, User } from '@seal/shared';
import type { SessionView as Session } from '@seal/shared';
import { createFacts } from '../../sync/createFacts';
import { createRecords } from '../../sync/createRecords';
import { actorFromSession } from '../../auth/actorFromSession';
import { createRowStates, type RowStates } from '../../sync/createRowStates';
import { useSync } from '../../sync/SyncProvider';
import { sealViews, type SealView } from './sealViews';

/** What the seal screens read, all from this device: seals, devices, lifecycle facts, row states. */
export interface SealData {
  readonly views: Accessor<SealView[]>;
  readonly devices: Accessor<Device[]>;
  readonly changes: ReturnType<typeof createFacts<'seal_status_change'>>;
  readonly rows: RowStates;
  /** The signed-in user as the domain's policy takes them. */
  readonly actor: Accessor<User>;
}

/** How often statuses are derived again without any new fact: a change dated ahead takes effect by the clock. */
const TICK_MS = 30_000;

/** Follows the local store (and the directory held for names and the unit tree). Works offline. */
export function createSealData(session: Accessor<Session>): SealData {
  const seals = createRecords('seal');
  const deviceRecords = createRecords('device');
  const changes = createFacts('seal_status_change');
  const rows = createRowStates();
  const sync = useSync();
  // The store's clock (the server's, as learned): a change made here is dated by it.
  const [now, setNow] = createSignal(sync.now());
  const timer = setInterval(() => setNow(sync.now()), TICK_MS);
  onCleanup(() => clearInterval(timer));
  // The clock is read afresh whenever a fact arrives (a change just made here is dated now), and by the tick.
  const views = createMemo(() => sealViews(seals().map((held) => held.record), changes(), rows.refusedIds(), Math.max(now(), sync.now())));
  const devices = createMemo(() => deviceRecords().map((held) => held.record));
  const actor = createMemo(() => actorFromSession(session().user));
  return { views, devices, changes, rows, actor };
}
