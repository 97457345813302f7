import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { readOrCreateSecretFile } from './secretFile';

/** The one account that may reach the embedded store: the sync-server's. */
export interface StoreCredential {
  readonly username: string;
  readonly password: string;
}

const USERNAME = 'sealctl';

/**
 * Loads the embedded store's credential from `path` (JSON `{username, password}`), generating
 * it on first start: a 256-bit random password, file mode 0600, never in the repository.
 */
export async function loadOrCreateStoreCredential(path: string, log?: (line: string) => void): Promise<StoreCredential> {
  const generate = () => `${JSON.stringify({ username: USERNAME, password: randomBytes(32).toString('base64url') })}\n`;
  const parsed = JSON.parse(await readOrCreateSecretFile(path, 'the store credential', generate, log)) as Partial<StoreCredential>;
  if (typeof parsed.username !== 'string' || typeof parsed.password !== 'string' || parsed.password.length < 32) {
    throw new Error(`${path} does not hold a store credential (expected {"username": "…", "password": "…" of 32+ characters})`);
  }
  return { username: parsed.username, password: parsed.password };
}

/** `url` with the credential in it, as nano (and Apache CouchDB's COUCHDB_URL) takes it. */
export function urlWithCredential(url: string, credential: StoreCredential): string {
  const withAuth = new URL(url);
  withAuth.username = encodeURIComponent(credential.username);
  withAuth.password = encodeURIComponent(credential.password);
  return withAuth.toString().replace(/\/$/, '');
}

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Whether a request to the store carries exactly this credential as HTTP Basic authentication.
 * Both sides are hashed first, so the comparison is constant-time whatever the lengths. Nothing
 * else opens the store: no cookie, no anonymous access.
 */
export function carriesCredential(request: IncomingMessage, credential: StoreCredential): boolean {
  const header = request.headers.authorization ?? '';
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header.trim());
  const presented = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
  return timingSafeEqual(digest(presented), digest(`${credential.username}:${credential.password}`)) && match !== null;
}
