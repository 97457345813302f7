import { createHmac } from 'node:crypto';

/**
 * The `x-seal-signature` header of a delivery: `sha256=` and the hex HMAC-SHA256, under the hook's
 * secret, of the timestamp header, a dot, and the raw body. Binding the timestamp lets a receiver
 * refuse an old delivery replayed to it.
 */
export function signDelivery(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')}`;
}
