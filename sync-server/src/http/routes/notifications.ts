import { markNotificationsReadBodySchema, notificationsQuerySchema, notificationsResponseSchema, unreadCountResponseSchema } from '@seal/shared';
import type { Notifier } from '../../hq/notify/notifier';
import type { Api } from '../api';
import { notFound } from '../errors';

const DEFAULT_PAGE = 50;

/**
 * The signed-in person's notifications: stamps of the seals they keep or approved for, alarms in
 * their scope. Reading them is the person's own business: it changes no shared state and is not
 * audited.
 */
export function notificationRoutes(api: Api, notifier: Notifier): void {
  const { ctx } = api;
  api.route({
    method: 'GET', url: '/api/notifications', tag: 'notifications', auth: 'session', query: notificationsQuerySchema,
    summary: 'The signed-in person\'s notifications, newest first, a page at a time, with the unread count',
    responses: { 200: notificationsResponseSchema, 400: 'invalid_query' },
  }, async ({ query, signedIn, reply }) => {
    reply.header('cache-control', 'no-store');
    await notifier.ready();
    const page = await notifier.notifications.page(signedIn.user.id, query.cursor, query.limit ?? DEFAULT_PAGE);
    return { ...page, unread: await notifier.notifications.unread(signedIn.user.id) };
  });

  api.route({
    method: 'POST', url: '/api/notifications/read', tag: 'notifications', auth: 'session', body: markNotificationsReadBodySchema,
    summary: 'Mark notifications read: these `ids`, or `upTo` one and every older one',
    responses: { 200: unreadCountResponseSchema, 400: 'invalid_body', 404: 'not_found' },
  }, async ({ body, signedIn }) => {
    const userId = signedIn.user.id;
    await notifier.ready();
    if ('ids' in body) await notifier.notifications.markRead(userId, body.ids, ctx.now());
    else if (!(await notifier.notifications.markReadUpTo(userId, body.upTo, ctx.now()))) throw notFound(`Notification "${body.upTo}"`);
    return { unread: await notifier.notifications.unread(userId) };
  });
}
