import { z } from 'zod';
import { alarmKindSchema } from '../domain/alarm';
import { eventDetailSchema, webhookEventKindSchema } from './hqWebhooks';

/** One thing the signed-in person was told of: a stamp of their seal, an alarm in their scope. */
export const notificationSchema = z.object({
  id: z.string(),
  eventId: z.string(),
  kind: webhookEventKindSchema,
  alarmKind: alarmKindSchema.nullable(),
  at: z.number(),
  unitId: z.string(),
  sealId: z.string().nullable(),
  deviceId: z.string().nullable(),
  requestId: z.string().nullable(),
  summary: z.string(),
  /** Absent on notifications stored before events carried it. */
  detail: eventDetailSchema.optional(),
  read: z.boolean(),
});
export type AppNotification = z.infer<typeof notificationSchema>;

export const notificationsQuerySchema = z.strictObject({
  cursor: z.string().max(200).optional().describe('`next` of the previous page'),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

export const notificationsResponseSchema = z.object({
  notifications: z.array(notificationSchema),
  unread: z.number().int().describe('Unread notifications in all'),
  next: z.string().nullable().describe('Cursor of the next (older) page, null at the end'),
}).describe('The signed-in person\'s notifications, newest first');

export const markNotificationsReadBodySchema = z.union([
  z.strictObject({ ids: z.array(z.string().max(200)).min(1).max(500) }),
  z.strictObject({ upTo: z.string().max(200).describe('This notification and every older one') }),
]);
export type MarkNotificationsRead = z.input<typeof markNotificationsReadBodySchema>;
export const unreadCountResponseSchema = z.object({ unread: z.number().int() }).describe('Unread notifications left');
