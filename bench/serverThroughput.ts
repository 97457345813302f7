/**
 * The sync-server's own paths against the store's: N rows pushed through `POST /api/sync/push`
 * (every row validated, MAC-marked, written) against a raw `_bulk_docs` of the same documents to
 * a database of the same embedded store carrying the same design document (append-only
 * validation function and views); and those N rows pulled through `GET /api/sync/pull` by a fresh
 * replica against a raw `_changes?include_docs=true` read of the raw database. Same batch sizes
 * on both sides (500 up, 1,000 down), over loopback HTTP.
 */
import type { SyncRow } from '../shared/src';
import { SYNC_DESIGN_DOCS } from '../sync-server/src/couch/syncDatabases';

export interface Who {
  readonly cookie: string;
  readonly userId: string;
}

const PUSH_BATCH = 500;
const PULL_BATCH = 1000;

/** A URL without its credentials, and those as a Basic authorization header (fetch refuses them in the URL). */
function splitCredentials(url: string): { url: string; headers: Record<string, string> } {
  const parsed = new URL(url);
  if (parsed.username === '') return { url, headers: {} };
  const basic = Buffer.from(`${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`).toString('base64');
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), headers: { authorization: `Basic ${basic}` } };
}

async function call(address: string, init: RequestInit & { cookie?: string } = {}): Promise<unknown> {
  const { cookie, ...rest } = init;
  const { url, headers } = splitCredentials(address);
  const response = await fetch(url, {
    ...rest,
    headers: { 'content-type': 'application/json', ...headers, ...(cookie ? { cookie, 'sec-fetch-site': 'same-origin' } : {}), ...(rest.headers as Record<string, string> | undefined) },
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${url}: ${response.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Pushes `rows` through the server in batches of 500; milliseconds. Throws unless every row is accepted. */
export async function serverPush(url: string, who: Who, rows: readonly SyncRow[]): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < rows.length; i += PUSH_BATCH) {
    const answer = await call(`${url}/api/sync/push`, { method: 'POST', cookie: who.cookie, headers: { 'x-sealctl-replica-user': who.userId }, body: JSON.stringify({ rows: rows.slice(i, i + PUSH_BATCH) }) }) as { results: { status: string }[] };
    const refused = answer.results.filter((r) => r.status !== 'accepted');
    if (refused.length > 0) throw new Error(`the server did not accept ${refused.length} rows: ${JSON.stringify(refused[0])}`);
  }
  return performance.now() - started;
}

/** Pulls everything in scope as a fresh replica, 1,000 rows a request; milliseconds and rows received. */
export async function serverPull(url: string, who: Who): Promise<{ ms: number; rows: number }> {
  const started = performance.now();
  let since: string | undefined;
  let received = 0;
  for (;;) {
    const query = new URLSearchParams({ limit: String(PULL_BATCH), ...(since ? { since } : {}) });
    const answer = await call(`${url}/api/sync/pull?${query.toString()}`, { cookie: who.cookie, headers: { 'x-sealctl-replica-user': who.userId } }) as { rows: unknown[]; checkpoint: string; more: boolean };
    received += answer.rows.length;
    since = answer.checkpoint;
    if (!answer.more && answer.rows.length < PULL_BATCH) break;
  }
  return { ms: performance.now() - started, rows: received };
}

/** A fresh raw database on the store with the rows design document; its URL. */
export async function rawDatabase(storeUrl: string, name: string): Promise<string> {
  const db = `${storeUrl}/${name}`;
  await call(db, { method: 'PUT' });
  const [design] = SYNC_DESIGN_DOCS.rows!;
  const { version: _version, ...doc } = design!;
  await call(`${db}/_design/rows`, { method: 'PUT', body: JSON.stringify(doc) });
  return db;
}

/** `_bulk_docs` of the same documents (the row under `_id`), 500 a request; milliseconds. */
export async function rawBulkDocs(db: string, rows: readonly SyncRow[]): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < rows.length; i += PUSH_BATCH) {
    const answer = await call(`${db}/_bulk_docs`, { method: 'POST', body: JSON.stringify({ docs: rows.slice(i, i + PUSH_BATCH).map((row) => ({ ...row, _id: row.id })) }) }) as { error?: string }[];
    if (answer.some((r) => r.error)) throw new Error('raw _bulk_docs refused a document');
  }
  return performance.now() - started;
}

/** `_changes?include_docs=true` from the start, 1,000 a request; milliseconds and documents read. */
export async function rawChanges(db: string): Promise<{ ms: number; rows: number }> {
  const started = performance.now();
  let since = '0';
  let received = 0;
  for (;;) {
    const page = await call(`${db}/_changes?include_docs=true&limit=${PULL_BATCH}&since=${encodeURIComponent(since)}`) as { results: { id: string }[]; last_seq: unknown };
    received += page.results.filter((r) => !r.id.startsWith('_design/')).length;
    since = typeof page.last_seq === 'string' ? page.last_seq : JSON.stringify(page.last_seq);
    if (page.results.length < PULL_BATCH) break;
  }
  return { ms: performance.now() - started, rows: received };
}
