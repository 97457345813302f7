import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readOrCreateSecretFile } from '../../couch/secretFile';

const KEY_BYTES = 32;
const IV_BYTES = 12;

/**
 * Seals the webhooks' signing secrets for the store. An HMAC secret must be known to sign, so it
 * cannot be kept as a hash as session tokens are: it is stored encrypted (AES-256-GCM, a fresh IV
 * each time, bound to its hook id as associated data so a sealed secret moved to another hook does
 * not open) under a key kept in a file beside the data (WEBHOOK_KEY_PATH, mode 0600), never in the
 * store. Someone who reads the store alone learns no secret.
 */
export interface SecretBox {
  seal(hookId: string, secret: string): string;
  /** The secret, or `undefined` when the sealed text does not open (another key, altered). */
  open(hookId: string, sealed: string): string | undefined;
}

export function secretBox(key: Uint8Array): SecretBox {
  if (key.length !== KEY_BYTES) throw new Error(`the webhook secret key must be ${KEY_BYTES} bytes, got ${key.length}`);
  return {
    seal(hookId, secret) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv).setAAD(Buffer.from(hookId, 'utf8'));
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return ['v1', iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(hookId, sealed) {
      const [version, iv, body, tag] = sealed.split('.');
      if (version !== 'v1' || iv === undefined || body === undefined || tag === undefined) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url')).setAAD(Buffer.from(hookId, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        // GCM refuses a wrong key or an altered text: the secret is unusable, reported as such.
        return undefined;
      }
    },
  };
}

/** Loads the key from `path` (base64url), generating 32 random bytes there on first start. */
export async function loadOrCreateSecretBox(path: string, log?: (line: string) => void): Promise<SecretBox> {
  const text = await readOrCreateSecretFile(path, 'the webhook secret key', () => `${randomBytes(KEY_BYTES).toString('base64url')}\n`, log);
  return secretBox(Buffer.from(text.trim(), 'base64url'));
}
