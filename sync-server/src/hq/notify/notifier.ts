import { createHash } from 'node:crypto';
import { isInSubtree, type SyncRow, type UnitId, type WebhookEvent } from '@seal/shared';
import type { WebhookSettings } from '../../config';
import type { Repositories } from '../../couch/repositories';
import type { Store } from '../../couch/store';
import type { UserDoc } from '../../couch/model';
import { migrateDesignDocs } from '../../couch/designDocs';
import { holdsRoleOn, loadUnitTree, type UnitTree } from '../../auth/scope';
import { rowsRepo } from '../../sync/rowsRepo';
import type { AcceptedRowsListener } from '../../sync/acceptedRows';
import { deliveriesRepo, type DeliveriesRepo, type DeliveryDoc } from './deliveriesRepo';
import { DeliveryDispatcher } from './deliveryDispatcher';
import { NOTIFY_DATABASES, NOTIFY_DESIGN_DOCS } from './notifyDatabases';
import { notifyEventsOf, oneNoticePerBatteryDevice, type NotifyEvent } from './notifyEvents';
import { notificationsRepo, type NotificationsRepo } from './notificationsRepo';
import { loadOrCreateSecretBox, type SecretBox } from './secretBox';
import { webhooksRepo, type WebhookDoc, type WebhooksRepo } from './webhooksRepo';

/** Telling people: in-app notifications and webhooks, fed by the rows the store accepts. */
export interface Notifier {
  /** Give this to the sync routes: it queues what the accepted rows tell (see `reportingAcceptedRows`). */
  readonly onAccepted: AcceptedRowsListener;
  readonly hooks: WebhooksRepo;
  readonly deliveries: DeliveriesRepo;
  readonly notifications: NotificationsRepo;
  readonly box: SecretBox;
  readonly settings: WebhookSettings;
  /** Resolves once the notification and delivery databases exist (created on first need: the server starts without its store). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface NotifierDeps {
  readonly store: Store;
  readonly repos: Repositories;
  readonly settings: WebhookSettings;
  /** The server's clock (notification times). Deliveries wait in real time. */
  readonly now: () => number;
  readonly warn: (error: unknown, message: string) => void;
  readonly log?: (line: string) => void;
}

/** The id of one event's delivery to one hook: the same however often the event is noticed. */
export const deliveryId = (hookId: string, eventId: string): string =>
  `dlv_${createHash('sha256').update(`${hookId}\n${eventId}`, 'utf8').digest('hex').slice(0, 40)}`;

/** Whether a hook wants an event: its kind (and alarm kind), and a unit in the hook's subtree. */
export function hookWants(hook: WebhookDoc, event: WebhookEvent, tree: UnitTree): boolean {
  if (!hook.enabled || !hook.eventKinds.includes(event.kind)) return false;
  if (event.kind === 'alarm' && hook.alarmKinds && event.alarmKind && !hook.alarmKinds.includes(event.alarmKind)) return false;
  return tree.has(event.unitId as UnitId) && isInSubtree(event.unitId as UnitId, hook.unitId as UnitId, tree);
}

/** Who hears of an event in the app: those it names, and for alarms every custodian and administrator whose scope holds its unit. */
async function recipientsOf(notice: NotifyEvent, users: () => Promise<readonly UserDoc[]>, tree: () => Promise<UnitTree>): Promise<string[]> {
  const named = new Set(notice.named);
  if (!notice.toScope) return [...named];
  const units = await tree();
  if (!units.has(notice.event.unitId as UnitId)) return [...named];
  for (const user of await users()) {
    if (user.active && holdsRoleOn(user, ['custodian', 'admin'], notice.event.unitId, units)) named.add(user.id);
  }
  return [...named];
}

/** Starts telling people; touches the store only when there is something to do (it may be down at start). */
export async function startNotifier({ store, repos, settings, now, warn, log }: NotifierDeps): Promise<Notifier> {
  let prepared: Promise<void> | undefined;
  // A failure (the store is down) is not kept: the next call tries again.
  const ready = (): Promise<void> => (prepared ??= (async () => {
    await store.ensureDatabases(NOTIFY_DATABASES);
    await migrateDesignDocs(store, NOTIFY_DESIGN_DOCS);
  })().catch((error: unknown) => {
    prepared = undefined;
    throw error;
  }));
  const box = await loadOrCreateSecretBox(settings.keyPath, log);
  const rows = rowsRepo(store.couch.use(store.dbName('rows')));
  const hooks = webhooksRepo(store.couch.use(store.dbName('meta')));
  const deliveries = deliveriesRepo(store.couch.use(store.dbName('hq_deliveries')));
  const notifications = notificationsRepo(store.couch.use(store.dbName('hq_notifications')));
  const dispatcher = new DeliveryDispatcher({ deliveries, hooks, box, settings, now: Date.now, warn, ready });

  const onAccepted: AcceptedRowsListener = async (accepted: readonly SyncRow[]) => {
    const notices = await notifyEventsOf(accepted, rows);
    if (notices.length === 0) return;
    await ready();
    // Read once for all the notices of these rows (a week of a device's alarms comes in one push).
    let units: Promise<UnitTree> | undefined;
    const tree = () => (units ??= loadUnitTree(repos.units));
    let people: Promise<readonly UserDoc[]> | undefined;
    const users = () => (people ??= repos.users.list());
    const allHooks = await hooks.list();
    const queued: DeliveryDoc[] = [];
    const told: { event: NotifyEvent['event']; userIds: string[] }[] = [];
    for (const notice of oneNoticePerBatteryDevice(notices)) told.push({ event: notice.event, userIds: await recipientsOf(notice, users, tree) });
    // Webhooks get every event (the systems behind them count and file each entry).
    for (const notice of notices) {
      for (const hook of allHooks) {
        if (!hookWants(hook, notice.event, await tree())) continue;
        queued.push({
          type: 'delivery', id: deliveryId(hook.id, notice.event.id), hookId: hook.id, eventId: notice.event.id, eventKind: notice.event.kind,
          status: 'pending', createdAt: Date.now(), nextAttemptAt: Date.now(), attempts: [], event: notice.event, claimedUntil: null,
        });
      }
    }
    await notifications.notifyAll(told, now());
    if ((await deliveries.createMany(queued)) > 0) dispatcher.kick();
  };
  // Deliveries left pending by a restart (or by another instance) are picked up now.
  dispatcher.kick();
  return { onAccepted, hooks, deliveries, notifications, box, settings, ready, close: () => dispatcher.close() };
}
