import type { OpenAPIV3_1 } from 'openapi-types';
import { z } from 'zod';
import { WEBHOOK_HEADERS, webhookEventSchema } from '@seal/shared';

/**
 * The OpenAPI 3.1 `webhooks` entry: what the server POSTs to a hook — the event body and the
 * headers that sign it — from the same zod schema the server builds deliveries with.
 */
export function webhookDeliveryDocument(): Record<string, OpenAPIV3_1.PathItemObject> {
  const header = (name: string, description: string): OpenAPIV3_1.ParameterObject => ({ name, in: 'header', required: true, description, schema: { type: 'string' } });
  return {
    sealEvent: {
      post: {
        summary: 'An event delivered to a webhook (stamp, unlock, lock, refusal, alarm, request decided, seal moved)',
        description: 'Retried with exponential backoff until the receiver answers 2xx or the attempts run out; every retry carries the same event id, so receivers deduplicate by it.',
        parameters: [
          header(WEBHOOK_HEADERS.eventId, 'The event id (the same on every retry of the event)'),
          header(WEBHOOK_HEADERS.timestamp, 'Unix time in seconds of this attempt'),
          header(WEBHOOK_HEADERS.signature, '`sha256=` + hex HMAC-SHA256 under the hook\'s secret of `timestamp + "." + raw body`'),
        ],
        // zod writes JSON Schema 2020-12, the dialect of OpenAPI 3.1; openapi-types cannot name it.
        requestBody: { required: true, content: { 'application/json': { schema: z.toJSONSchema(webhookEventSchema) as never } } },
        responses: { '2XX': { description: 'Received: no retry' }, default: { description: 'Anything else (or no answer): retried later' } },
      },
    },
  };
}
