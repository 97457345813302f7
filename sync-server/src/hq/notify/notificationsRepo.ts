import { createHash } from 'node:crypto';
import type { DocumentScope } from 'nano';
import type { AppNotification, WebhookEvent } from '@seal/shared';
import { getDoc, type Stored } from '../../couch/docs';

/**
 * A notification as stored: one per person and event (the id says so); a device's low-battery
 * readings one push brought are one event, the latest reading's (`oneNoticePerBatteryDevice`).
 */
export interface NotificationDoc extends Omit<AppNotification, 'read'> {
  readonly type: 'notification';
  readonly userId: string;
  readonly createdAt: number;
  readonly readAt: number | null;
}

export interface NotificationPage {
  readonly notifications: AppNotification[];
  readonly next: string | null;
}

export interface NotificationsRepo {
  /** Tells each person in `userIds` of `event` once (a second call for the same pair writes nothing). */
  notify(event: WebhookEvent, userIds: readonly string[], now: number): Promise<void>;
  /** `notify` for many events at once (what one push's accepted rows tell): a few writes, not one per event. */
  notifyAll(notices: readonly { readonly event: WebhookEvent; readonly userIds: readonly string[] }[], now: number): Promise<void>;
  page(userId: string, cursor: string | undefined, limit: number): Promise<NotificationPage>;
  unread(userId: string): Promise<number>;
  /** Marks the person's notifications among `ids` read (others' ids are ignored). */
  markRead(userId: string, ids: readonly string[], now: number): Promise<void>;
  /** Marks `id` and every older notification of the person read; `false` if `id` is not theirs. */
  markReadUpTo(userId: string, id: string, now: number): Promise<boolean>;
}

/** The id of one person's notification of one event: the same on every retry and every server. */
export const notificationId = (userId: string, eventId: string): string =>
  `ntf_${createHash('sha256').update(`${userId}\n${eventId}`, 'utf8').digest('hex').slice(0, 40)}`;

const view = ({ type: _t, userId: _u, createdAt: _c, readAt, ...rest }: NotificationDoc): AppNotification => ({ ...rest, read: readAt !== null });

/** Notifications per write to the store. */
const NOTIFY_BATCH = 1000;

/** A page cursor: the key of the last notification shown, opaque to clients. */
const encodeCursor = (key: unknown[]): string => Buffer.from(JSON.stringify(key.slice(1)), 'utf8').toString('base64url');
function decodeCursor(userId: string, cursor: string): unknown[] | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
    const [createdAt, id] = parsed as unknown[];
    return typeof createdAt === 'number' && typeof id === 'string' ? [userId, createdAt, id] : undefined;
  } catch {
    // Not a cursor this server made: an empty page, as for a cursor past the end.
    return undefined;
  }
}

export function notificationsRepo(db: DocumentScope<NotificationDoc>): NotificationsRepo {
  type Row = NotificationDoc & Stored;
  const markAll = async (docs: readonly Row[], now: number): Promise<void> => {
    const unread = docs.filter((doc) => doc.readAt === null);
    // A conflict is someone else (another tab) marking the same one: it is read either way.
    if (unread.length > 0) await db.bulk({ docs: unread.map((doc) => ({ ...doc, readAt: now })) });
  };
  return {
    notify(event, userIds, now) {
      return this.notifyAll([{ event, userIds }], now);
    },
    async notifyAll(notices, now) {
      const docs = notices.flatMap(({ event, userIds }) => [...new Set(userIds)].map((userId): NotificationDoc & { _id: string } => {
        const id = notificationId(userId, event.id);
        return { _id: id, id, type: 'notification', userId, eventId: event.id, kind: event.kind, alarmKind: event.alarmKind, at: event.at, unitId: event.unitId, sealId: event.sealId, deviceId: event.deviceId, requestId: event.requestId, summary: event.summary, ...(event.detail ? { detail: event.detail } : {}), createdAt: now, readAt: null };
      }));
      for (let start = 0; start < docs.length; start += NOTIFY_BATCH) {
        const results = await db.bulk({ docs: docs.slice(start, start + NOTIFY_BATCH) });
        const failed = results.filter((r) => r.error && r.error !== 'conflict');
        if (failed.length > 0) throw new Error(`the store refused notifications: ${failed.map((r) => `${r.id}: ${r.error}`).join(', ')}`);
      }
    },
    async page(userId, cursor, limit) {
      const from = cursor === undefined ? [userId, {}] : decodeCursor(userId, cursor);
      if (!from) return { notifications: [], next: null };
      const page = await db.view('notifications', 'by_user', { startkey: from, endkey: [userId], descending: true, include_docs: true, limit: limit + 1, skip: cursor === undefined ? 0 : 1 });
      const rows = page.rows.filter((row) => row.doc);
      const shown = rows.slice(0, limit);
      const last = shown.at(-1);
      return { notifications: shown.map((row) => view(row.doc as Row)), next: rows.length > limit && last ? encodeCursor(last.key as unknown as unknown[]) : null };
    },
    async unread(userId) {
      const page = await db.view<number>('notifications', 'unread', { key: userId, reduce: true });
      return page.rows[0]?.value ?? 0;
    },
    async markRead(userId, ids, now) {
      const found = await db.fetch({ keys: [...new Set(ids)] }, { include_docs: true });
      const docs = found.rows.flatMap((row) => ('doc' in row && row.doc && (row.doc as Row).userId === userId ? [row.doc as Row] : []));
      await markAll(docs, now);
    },
    async markReadUpTo(userId, id, now) {
      const last = await getDoc(db, id);
      if (!last || last.userId !== userId) return false;
      const page = await db.view('notifications', 'by_user', { startkey: [userId, last.createdAt, id], endkey: [userId], descending: true, include_docs: true });
      await markAll(page.rows.filter((row) => row.doc).map((row) => row.doc as Row), now);
      return true;
    },
  };
}
