import {
  createWebhookResponseSchema,
  webhookDeliveriesResponseSchema,
  webhookResponseSchema,
  webhooksResponseSchema,
  type NewWebhook,
  type Webhook,
  type WebhookDelivery,
} from '@seal/shared';
import { apiRequest } from './request';

export type { NewWebhook, Webhook, WebhookDelivery };

const part = (id: string): string => encodeURIComponent(id);

/** `GET /api/hq/webhooks`: the hooks on units in the administrator's scope. */
export async function fetchWebhooks(): Promise<Webhook[]> {
  return (await apiRequest('GET', '/api/hq/webhooks', webhooksResponseSchema)).webhooks;
}

/** `POST /api/hq/webhooks`: a new hook, and its signing secret (shown this once). */
export function createWebhook(hook: NewWebhook): Promise<{ webhook: Webhook; secret: string }> {
  return apiRequest('POST', '/api/hq/webhooks', createWebhookResponseSchema, hook);
}

/** `DELETE /api/hq/webhooks/:id`: the hook stops receiving events (its delivery log stays). */
export async function disableWebhook(id: string): Promise<Webhook> {
  return (await apiRequest('DELETE', `/api/hq/webhooks/${part(id)}`, webhookResponseSchema)).webhook;
}

/** `GET /api/hq/webhooks/:id/deliveries`: the hook's delivery log, newest first, every attempt. */
export async function fetchWebhookDeliveries(id: string): Promise<WebhookDelivery[]> {
  return (await apiRequest('GET', `/api/hq/webhooks/${part(id)}/deliveries`, webhookDeliveriesResponseSchema)).deliveries;
}
