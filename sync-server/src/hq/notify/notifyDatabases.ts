import type { VersionedDesignDoc } from '../../couch/designDocs';

/** The databases of notifications and webhook deliveries (hooks themselves live in `meta`, journalled with their audit records). */
export const NOTIFY_DATABASES = ['hq_deliveries', 'hq_notifications'] as const;

/**
 * - `hq_deliveries/due`: pending deliveries by when they may next be tried (a claim by another
 *   server instance pushes that time to the end of its lease);
 * - `hq_deliveries/by_hook`: a hook's delivery log, `[hookId, createdAt]`;
 * - `hq_notifications/by_user`: a person's notifications, `[userId, createdAt, id]`;
 * - `hq_notifications/unread`: unread ones by person, counted by `_count`.
 */
export const NOTIFY_DESIGN_DOCS: Readonly<Record<string, readonly VersionedDesignDoc[]>> = {
  hq_deliveries: [{
    _id: '_design/deliveries', version: 1, language: 'javascript',
    views: {
      due: { map: 'function (doc) { if (doc.type === "delivery" && doc.status === "pending") emit(Math.max(doc.nextAttemptAt || 0, doc.claimedUntil || 0), null); }' },
      by_hook: { map: 'function (doc) { if (doc.type === "delivery") emit([doc.hookId, doc.createdAt], null); }' },
    },
  }],
  hq_notifications: [{
    _id: '_design/notifications', version: 1, language: 'javascript',
    views: {
      by_user: { map: 'function (doc) { if (doc.type === "notification") emit([doc.userId, doc.createdAt, doc._id], null); }' },
      unread: { map: 'function (doc) { if (doc.type === "notification" && doc.readAt === null) emit(doc.userId, null); }', reduce: '_count' },
    },
  }],
};
