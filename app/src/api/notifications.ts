import { notificationsResponseSchema, unreadCountResponseSchema, type MarkNotificationsRead } from '@seal/shared';
import { apiRequest } from './request';

/** `GET /api/notifications`: a page of the signed-in person's notifications (newest first) and the unread count. */
export function fetchNotifications(cursor?: string, limit?: number) {
  const query = new URLSearchParams({ ...(cursor ? { cursor } : {}), ...(limit ? { limit: String(limit) } : {}) }).toString();
  return apiRequest('GET', `/api/notifications${query ? `?${query}` : ''}`, notificationsResponseSchema);
}

/** `POST /api/notifications/read`: marks `ids`, or `upTo` one and every older one, read; answers the unread count left. */
export async function markNotificationsRead(which: MarkNotificationsRead): Promise<number> {
  return (await apiRequest('POST', '/api/notifications/read', unreadCountResponseSchema, which)).unread;
}
