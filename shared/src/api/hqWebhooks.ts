import { z } from 'zod';
import { alarmKindSchema } from '../domain/alarm';
import { sealStatusSchema } from '../domain/seal';
import { recordIdParamSchema } from './ids';

/**
 * What a webhook can be told of. `alarm` covers every alarm kind unless the hook narrows it with
 * `alarmKinds`; `request_decided` is an approver's decision arriving; `seal_moved` a lifecycle move.
 */
export const webhookEventKindSchema = z.enum(['stamp', 'unlock', 'lock', 'refusal', 'alarm', 'request_decided', 'seal_moved']);
export type WebhookEventKind = z.infer<typeof webhookEventKindSchema>;

/** An http(s) URL without credentials or fragment, at most 2000 characters. */
export const webhookUrlSchema = z.string().max(2000).refine((text) => {
  if (!URL.canParse(text)) return false;
  const url = new URL(text);
  return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '' && url.username === '' && url.password === '' && url.hash === '';
}, { message: 'expected an http:// or https:// URL without user, password or fragment' });

export const createWebhookBodySchema = z.strictObject({
  url: webhookUrlSchema,
  unitId: recordIdParamSchema.describe('Events of this unit and every unit below it are delivered'),
  eventKinds: z.array(webhookEventKindSchema).min(1).max(16),
  alarmKinds: z.array(alarmKindSchema).max(32).optional().describe('With `alarm`: only these alarm kinds (all when absent)'),
  description: z.string().trim().max(200).optional(),
});
export type NewWebhook = z.input<typeof createWebhookBodySchema>;

export const webhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  unitId: z.string(),
  eventKinds: z.array(webhookEventKindSchema),
  alarmKinds: z.array(alarmKindSchema).nullable(),
  description: z.string(),
  enabled: z.boolean(),
  createdAt: z.number(),
  createdBy: z.string(),
});
export type Webhook = z.infer<typeof webhookSchema>;

export const createWebhookResponseSchema = z.object({
  webhook: webhookSchema,
  secret: z.string().describe('The signing secret, shown this once: keep it in the receiving system'),
}).describe('The hook, and its signing secret (never shown again)');
export const webhooksResponseSchema = z.object({ webhooks: z.array(webhookSchema) }).describe('The hooks on units in the administrator\'s scope');
export const webhookResponseSchema = z.object({ webhook: webhookSchema }).describe('The hook, now disabled');

/** One try at delivering an event: when, how long, and what came back (a status, or an error). */
export const webhookAttemptSchema = z.object({
  at: z.number(),
  durationMs: z.number(),
  statusCode: z.number().nullable(),
  error: z.string().nullable(),
});
export type WebhookAttempt = z.infer<typeof webhookAttemptSchema>;

/** One event for one hook: at most one per (hook, event), with every attempt made. */
export const webhookDeliverySchema = z.object({
  id: z.string(),
  hookId: z.string(),
  eventId: z.string(),
  eventKind: webhookEventKindSchema,
  status: z.enum(['pending', 'delivered', 'failed']),
  createdAt: z.number(),
  nextAttemptAt: z.number().nullable(),
  attempts: z.array(webhookAttemptSchema),
});
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;
export const webhookDeliveriesResponseSchema = z.object({ deliveries: z.array(webhookDeliverySchema) }).describe('The delivery log, newest first');

/**
 * The JSON body POSTed to a hook. Headers: `x-seal-event-id` (the event id, stable across retries:
 * receivers deduplicate by it), `x-seal-timestamp` (Unix seconds of this attempt) and
 * `x-seal-signature`: `sha256=` + hex HMAC-SHA256(secret, timestamp + "." + raw body).
 */
/**
 * What an event says beyond its ids, as fields (its `summary` says it too, in an English sentence):
 * a decision's verdict, a seal's move, the code a device refused with, a stamp's use, why a device
 * locked. So that a reader in another language is told it in words, not only in the sentence.
 */
export const eventDetailSchema = z.object({
  verdict: z.enum(['approve', 'reject']).optional(),
  from: sealStatusSchema.nullable().optional().describe('A seal move\'s status before (null: a new seal)'),
  to: sealStatusSchema.optional(),
  code: z.string().max(64).optional().describe('The code a device refused with'),
  useIndex: z.number().int().nullable().optional().describe('Which use of its grant a stamp was'),
  cause: z.string().max(64).optional().describe('Why a device locked'),
});
export type EventDetail = z.infer<typeof eventDetailSchema>;

export const webhookEventSchema = z.object({
  id: z.string().describe('The event id: the same on every retry'),
  kind: webhookEventKindSchema,
  alarmKind: alarmKindSchema.nullable(),
  at: z.number().describe('When it happened (ms since the epoch; a device\'s clock for device events)'),
  unitId: z.string(),
  sealId: z.string().nullable(),
  deviceId: z.string().nullable(),
  requestId: z.string().nullable(),
  summary: z.string(),
  detail: eventDetailSchema.optional(),
});
export type WebhookEvent = z.infer<typeof webhookEventSchema>;

/** The headers of a delivery, as documented in the OpenAPI `webhooks` section. */
export const WEBHOOK_HEADERS = { eventId: 'x-seal-event-id', timestamp: 'x-seal-timestamp', signature: 'x-seal-signature' } as const;
