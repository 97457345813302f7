/** One way a store answered a client that sent no credentials. */
export interface OpenDoor {
  readonly probe: string;
  readonly answer: string;
}

/** The store's base URL without credentials and without a trailing slash (CouchDB may sit under a path). */
const bare = (url: string): string => {
  const u = new URL(url);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
};

/** The code of a failed connection (`ECONNREFUSED`, `ENOTFOUND`…), or the error's message. */
const whyUnreachable = (error: unknown): string => {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  return error instanceof Error ? error.message : String(error);
};

async function anonymous(base: string, method: 'GET' | 'POST', path: string, deadlineMs: number, body?: unknown): Promise<{ status: number; json: unknown }> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(`${base}${path}`, {
      method,
      headers: { accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      redirect: 'manual',
      signal: AbortSignal.timeout(deadlineMs),
    });
    text = await response.text();
  } catch (error) {
    // `base` carries no credentials: the message may name it.
    if (error instanceof DOMException && error.name === 'TimeoutError') {
      throw new Error(`The store at ${base} did not answer ${method} ${path} within ${deadlineMs / 1000} s: check that COUCHDB_URL names the right host and port and that the store is running (STORE_ANSWER_SECONDS sets how long to wait)`);
    }
    throw new Error(`The store at ${base} cannot be reached (${whyUnreachable(error)}): check that COUCHDB_URL names the right host and port and that the store is running`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = text; // not JSON: only the status matters then
  }
  return { status: response.status, json };
}

/**
 * Asks the store, as a client with no credentials, what only an open store would allow, and
 * returns every probe it answered: it must answer none of them (CouchDB 3 with an admin,
 * `[chttpd] require_valid_user = true`, no admin party). Nothing is written: the write probe is
 * an empty `_bulk_docs`, which an open store accepts and a closed one refuses.
 *
 * @param database - one of the server's databases (the write probe's target)
 * @param deadlineMs - how long each probe waits for its answer: a store that takes connections and
 *   says nothing (or cannot be reached at all) throws an error naming it, instead of hanging
 */
export async function anonymousAccess(url: string, database: string, deadlineMs = 30_000): Promise<OpenDoor[]> {
  const base = bare(url);
  const open: OpenDoor[] = [];
  const probes: [string, 'GET' | 'POST', string, unknown?][] = [
    ['the welcome (require_valid_user is off)', 'GET', '/'],
    ['the list of databases', 'GET', '/_all_dbs'],
    ['the configuration (admin party)', 'GET', '/_node/_local/_config'],
    ['the configuration, CouchDB 1.x path (admin party)', 'GET', '/_config'],
    [`a database (${database})`, 'GET', `/${encodeURIComponent(database)}`],
    [`an anonymous write to ${database} (empty _bulk_docs)`, 'POST', `/${encodeURIComponent(database)}/_bulk_docs`, { docs: [] }],
  ];
  for (const [probe, method, path, body] of probes) {
    const { status, json } = await anonymous(base, method, path, deadlineMs, body);
    // 401 (or 403) is the only right answer; a 404 for the database still tells an anonymous
    // client what exists, and with require_valid_user CouchDB answers 401 before looking.
    if (status !== 401 && status !== 403) open.push({ probe: `${method} ${path}: ${probe}`, answer: `${status} ${JSON.stringify(json).slice(0, 120)}` });
  }
  const session = await anonymous(base, 'GET', '/_session', deadlineMs);
  const roles = (session.json as { userCtx?: { roles?: unknown } } | null)?.userCtx?.roles;
  if (session.status < 300 && Array.isArray(roles) && roles.includes('_admin')) {
    open.push({ probe: 'GET /_session: an anonymous client is an administrator (admin party)', answer: `${session.status} ${JSON.stringify(session.json).slice(0, 120)}` });
  }
  return open;
}

/** The message a server refusing to start against an open store prints. */
export function openStoreMessage(doors: readonly OpenDoor[], where = 'the store at COUCHDB_URL'): string {
  return [
    `Refusing to start: ${where} answers clients that send no credentials, so anyone who can reach it',
    'could read passkeys and sessions or write documents past the server's validation:`,
    ...doors.map((d) => `  - ${d.probe} → ${d.answer}`),
    'Configure Apache CouchDB 3 with an admin for this server (in COUCHDB_URL), no admin party, and',
    '[chttpd] require_valid_user = true (see docs/adr/004-store-access.md).',
  ].join('\n');
}
