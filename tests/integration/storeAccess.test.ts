/**
 * The embedded store, attacked as another process on the same machine would: it finds the
 * store's loopback port and talks CouchDB's HTTP API to it directly.
 *
 * - Without the store credential (none, or a wrong one) every store URL answers 401, and the
 *   requests that crash express-pouchdb when they reach it leave the server running.
 * - With the credential (an attacker who got past that first layer), documents written straight
 *   into the store grant nothing: a forged or copied session, a role grant added to a user, a
 *   passkey moved to another user, a forged invitation, an unsigned `decision` row.
 * - The server refuses to start against a CouchDB that answers anonymous clients, and against a
 *   store written under another MAC key (or before MACs).
 */
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, readlink, rm, stat, unlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SoftAuthenticator } from '../../sync-server/src/testing/softAuthenticator';
import { openReplica, type Person } from './harness';
import { replicaRows } from './serverView';
import { startServerProcess, type ServerProcess } from './serverProcess';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const PREFIX = 'sealctl_';
const DATABASES = ['meta', 'users', 'units', 'credentials', 'sessions', 'challenges', 'invitations', 'audit', 'cases', 'rows', 'blobs'];

let proc: ServerProcess;
let storeUrl: string;
let admin: Person & { rootUnitId: string };
let staff: Person;

type Registration = Parameters<SoftAuthenticator['register']>[0];

async function api(method: string, path: string, options: { body?: unknown; cookie?: string } = {}): Promise<Response> {
  return fetch(`${proc.url}${path}`, {
    method,
    headers: {
      origin: proc.origin,
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.cookie ? { cookie: options.cookie } : {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
}

const sessionCookie = (response: Response): string =>
  response.headers.getSetCookie().map((c) => c.split(';')[0]!).find((c) => c.includes('sealctl_session'))!;

async function setUpOverHttp(): Promise<Person & { rootUnitId: string }> {
  const authenticator = new SoftAuthenticator(proc.origin, 'localhost');
  const options = await api('POST', '/api/setup/options', { body: { setupCode: await proc.setupCode(), adminName: 'Admin', organisationName: 'HQ' } });
  expect(options.status).toBe(200);
  const done = await api('POST', '/api/setup/verify', { body: { response: await authenticator.register((await options.json()) as Registration) } });
  expect(done.status).toBe(201);
  const body = (await done.json()) as { user: { id: string }; unit: { id: string }; credential: { id: string } };
  return { userId: body.user.id, rootUnitId: body.unit.id, credentialId: body.credential.id, cookie: sessionCookie(done), authenticator };
}

/** Registers a person with an invitation code (a real one, or one the attacker forged). */
async function register(code: string, name: string, authenticator = new SoftAuthenticator(proc.origin, 'localhost')) {
  const options = await api('POST', '/api/auth/register/options', { body: { invitationCode: code, name } });
  if (options.status !== 200) return { status: options.status, options };
  const done = await api('POST', '/api/auth/register/verify', { body: { response: await authenticator.register((await options.json()) as Registration) } });
  return { status: done.status, done, authenticator };
}

async function invite(unitId: string, roles: string[], name: string): Promise<Person> {
  const invitation = await api('POST', '/api/invitations', { cookie: admin.cookie, body: { unitId, roles } });
  expect(invitation.status).toBe(201);
  const { code } = (await invitation.json()) as { code: string };
  const result = await register(code, name);
  expect(result.status).toBe(201);
  const body = (await result.done!.json()) as { user: { id: string }; credential: { id: string } };
  return { userId: body.user.id, credentialId: body.credential.id, cookie: sessionCookie(result.done!), authenticator: result.authenticator! };
}

async function signIn(authenticator: SoftAuthenticator, credentialId: string): Promise<Response> {
  const options = await api('POST', '/api/auth/login/options');
  const { challenge } = (await options.json()) as { challenge: string };
  return api('POST', '/api/auth/login/verify', { body: { response: await authenticator.assert(challenge, credentialId) } });
}

/** A raw request to the store, as any local process can send it. */
async function storeRequest(method: string, path: string, options: { auth?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; text: string }> {
  const response = await fetch(`${storeUrl}${path}`, {
    method,
    headers: {
      ...(options.auth ? { authorization: options.auth } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.headers ?? {}),
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  return { status: response.status, text: await response.text() };
}

const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** The credential the server generated, read from its data directory (the attacker who got past the first layer). */
async function realCredential(): Promise<string> {
  const { username, password } = JSON.parse(await readFile(join(proc.dataDir, 'store-credential.json'), 'utf8')) as { username: string; password: string };
  return basic(username, password);
}

/** The admin's view of the store with the real credential: read a document. */
async function readDoc(db: string, id: string): Promise<Record<string, unknown>> {
  const got = await storeRequest('GET', `/${PREFIX}${db}/${encodeURIComponent(id)}`, { auth: await realCredential() });
  expect(got.status, got.text).toBe(200);
  return JSON.parse(got.text) as Record<string, unknown>;
}

async function writeDoc(db: string, doc: Record<string, unknown> & { _id: string }): Promise<void> {
  const put = await storeRequest('PUT', `/${PREFIX}${db}/${encodeURIComponent(doc._id)}`, { auth: await realCredential(), body: doc });
  expect(put.status, put.text).toBe(201);
}

/** Every store URL worth trying: the server's, CouchDB's, and the ones that crash the stand-in. */
function storeUrls(): [string, string, unknown?][] {
  const urls: [string, string, unknown?][] = [
    ['GET', '/'], ['HEAD', '/'], ['GET', '/_all_dbs'], ['GET', '/_config'], ['GET', '/_config/couch_httpd_auth'],
    ['GET', '/_config/couch_httpd_auth/secret'], ['PUT', '/_config/admins/intruder', 'pw'], ['GET', '/_node/_local/_config'],
    ['GET', '/_session'], ['POST', '/_session', { name: 'sealctl', password: 'guess' }], ['DELETE', '/_session'],
    ['GET', '/_users'], ['GET', '/_users/_all_docs?include_docs=true'], ['PUT', '/_users/org.couchdb.user:intruder', { name: 'intruder', password: 'x', roles: [], type: 'user' }],
    ['GET', '/_utils'], ['GET', '/_utils/'], ['GET', '/_utils/index.html'], ['GET', '/_replicator'], ['POST', '/_replicate', { source: `${PREFIX}sessions`, target: 'http://127.0.0.1:9/loot' }],
    ['GET', '/_active_tasks'], ['GET', '/_uuids'], ['GET', '/_stats'], ['GET', '/_log'], ['GET', '/_db_updates'], ['GET', '/_membership'],
    ['PUT', '/intruder_db'], ['PUT', `/${PREFIX}intruder`], ['DELETE', `/${PREFIX}audit`], ['OPTIONS', '/'],
  ];
  for (const db of DATABASES) {
    const base = `/${PREFIX}${db}`;
    urls.push(
      ['GET', base], ['PUT', base], ['GET', `${base}/_all_docs?include_docs=true`], ['GET', `${base}/_changes?include_docs=true`],
      ['GET', `${base}/_changes?filter=_selector`], ['POST', `${base}/_changes?filter=_selector`, { selector: { type: 'session' } }],
      ['POST', `${base}/_bulk_docs`, { docs: [{ _id: 'intruder', type: 'fact' }] }], ['POST', `${base}/_find`, { selector: {} }],
      ['POST', `${base}/_bulk_get`, { docs: [{ id: 'setup' }] }], ['POST', `${base}/_revs_diff`, { x: ['1-a'] }], ['POST', `${base}/_all_docs`, { keys: ['setup'] }],
      ['GET', `${base}/_security`], ['PUT', `${base}/_security`, { admins: {}, members: {} }], ['GET', `${base}/_design/${db}`],
      ['PUT', `${base}/_design/intruder`, { views: {} }], ['GET', `${base}/setup`], ['PUT', `${base}/intruder`, { type: 'fact' }],
      ['POST', base, { _id: 'intruder2', type: 'fact' }], ['DELETE', `${base}/setup?rev=1-a`], ['GET', `${base}/_local/x`], ['POST', `${base}/_compact`, {}],
    );
  }
  return urls;
}

/**
 * The loopback ports the server process listens on besides its API, found as a local attacker
 * would: the process whose environment names this data directory, its sockets' inodes, and the
 * listening entries of /proc/net/tcp with those inodes.
 */
async function listeningPortsOfServer(dataDir: string, apiPort: number): Promise<number[]> {
  const pids = (await readdir('/proc')).filter((name) => /^\d+$/.test(name));
  const inodes = new Set<string>();
  for (const pid of pids) {
    const environ = await readFile(`/proc/${pid}/environ`, 'utf8').catch(() => '');
    if (!environ.split('\0').includes(`DATA_DIR=${dataDir}`)) continue;
    for (const fd of await readdir(`/proc/${pid}/fd`).catch(() => [] as string[])) {
      const target = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '');
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode) inodes.add(inode);
    }
  }
  const ports = (await readFile('/proc/net/tcp', 'utf8')).split('\n').slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => fields[3] === '0A' && inodes.has(fields[9] ?? ''))
    .map((fields) => Number.parseInt(fields[1]!.split(':')[1]!, 16));
  return [...new Set(ports)].filter((port) => port !== apiPort);
}

beforeAll(async () => {
  proc = await startServerProcess();
  const ports = await listeningPortsOfServer(proc.dataDir, Number(new URL(proc.url).port));
  expect(ports.length, `listening ports besides the API: ${ports.join()}`).toBe(1);
  storeUrl = `http://127.0.0.1:${ports[0]}`;
  admin = await setUpOverHttp();
  staff = await invite(admin.rootUnitId, ['staff'], 'Staff 员工');
}, 120_000);
afterAll(async () => proc?.stop());

describe('the embedded store without its credential', () => {
  it('listens on loopback only, where any local process finds it', async () => {
    const port = Number(new URL(storeUrl).port).toString(16).toUpperCase().padStart(4, '0');
    const listening = (await readFile('/proc/net/tcp', 'utf8')).split('\n').filter((line) => / 0A /.test(line)).map((line) => line.trim().split(/\s+/)[1]);
    expect(listening).toContain(`0100007F:${port}`);
    expect(listening).not.toContain(`00000000:${port}`);
  });

  it('answers 401 on every URL to a client that sends no credentials, and stays up after the requests that crash the stand-in', async () => {
    const answers: string[] = [];
    for (const [method, path, body] of storeUrls()) {
      const { status, text } = await storeRequest(method, path, { body });
      if (status !== 401) answers.push(`${method} ${path} → ${status} ${text.slice(0, 80)}`);
      expect(text).not.toMatch(/secret|sealctl_session|credentialId|publicKey/);
    }
    expect(answers).toEqual([]);
    expect((await api('GET', '/healthz')).status).toBe(200);
    expect((await api('GET', '/api/auth/session', { cookie: admin.cookie })).status).toBe(200);
    // Nothing the anonymous requests tried was done.
    expect((await storeRequest('GET', `/${PREFIX}intruder`, { auth: await realCredential() })).status).toBe(404);
    expect((await storeRequest('GET', '/intruder_db', { auth: await realCredential() })).status).toBe(404);
    expect((await storeRequest('GET', `/${PREFIX}rows/intruder`, { auth: await realCredential() })).status).toBe(404);
  }, 120_000);

  it('answers 401 to wrong credentials, a session cookie, and a near miss of the real password', async () => {
    const { username, password } = JSON.parse(await readFile(join(proc.dataDir, 'store-credential.json'), 'utf8')) as { username: string; password: string };
    const wrong = [
      basic('admin', 'admin'), basic(username, ''), basic(username, `${password}x`), basic(username, password.slice(0, -1)),
      basic('', password), basic(`${username}x`, password), 'Basic', 'Basic !!!', `Bearer ${password}`, basic(username, password).toLowerCase(),
    ];
    const urls = storeUrls().filter(([, path]) => !path.includes('_changes') || path.includes(`${PREFIX}sessions`));
    const answers: string[] = [];
    for (const auth of wrong) {
      for (const [method, path, body] of urls) {
        const { status, text } = await storeRequest(method, path, { auth, body });
        if (status !== 401) answers.push(`${auth.slice(0, 12)}… ${method} ${path} → ${status}`);
        expect(text).not.toMatch(/secret/);
      }
    }
    for (const cookie of ['AuthSession=c2VhbGN0bDo2NzAwMDAwMDpmYWtl', `AuthSession=${password}`]) {
      const { status } = await storeRequest('GET', `/${PREFIX}sessions/_all_docs`, { headers: { cookie } });
      if (status !== 401) answers.push(`cookie ${cookie} → ${status}`);
    }
    expect(answers).toEqual([]);
    expect((await api('GET', '/healthz')).status).toBe(200);
  }, 180_000);

  it('keeps its credential and MAC key in the data directory with mode 0600', async () => {
    for (const file of ['store-credential.json', 'store-mac.key', 'org-key.pem']) {
      expect(((await stat(join(proc.dataDir, file))).mode & 0o777).toString(8), file).toBe('600');
    }
    // With the credential, the store answers (the server's own access), but has no configuration to read.
    const auth = await realCredential();
    expect((await storeRequest('GET', '/', { auth })).status).toBe(200);
    expect((await storeRequest('GET', '/_config', { auth })).status).toBe(404);
    expect((await storeRequest('GET', '/_utils/', { auth })).status).toBe(404);
  });
});

describe('documents written straight into the store (with the real credential) grant nothing', () => {
  it('a forged session document for the administrator opens no session', async () => {
    const token = randomBytes(32).toString('base64url');
    const now = Date.now();
    await writeDoc('sessions', {
      _id: createHash('sha256').update(token).digest('hex'),
      type: 'session', userId: admin.userId, credentialId: admin.credentialId, createdAt: now, lastSeenAt: now, expiresAt: now + 3_600_000, idleExpiresAt: now + 3_600_000,
    });
    const cookie = `sealctl_session=${token}`;
    expect((await api('GET', '/api/auth/session', { cookie })).status).toBe(401);
    expect((await api('GET', '/api/users', { cookie })).status).toBe(401);
    expect((await api('POST', '/api/units', { cookie, body: { name: 'Rogue', kind: 'branch', parentId: admin.rootUnitId } })).status).toBe(401);
  });

  it('a copy of the administrator\'s real session (MAC included) under a token the attacker chose opens no session', async () => {
    const all = await storeRequest('GET', `/${PREFIX}sessions/_all_docs?include_docs=true`, { auth: await realCredential() });
    const sessions = (JSON.parse(all.text) as { rows: { doc: Record<string, unknown> }[] }).rows.map((r) => r.doc).filter((d) => d.userId === admin.userId && d.revokedAt === undefined);
    expect(sessions.length).toBeGreaterThan(0);
    const token = randomBytes(32).toString('base64url');
    const { _id: _i, _rev: _r, ...copy } = sessions[0]!;
    await writeDoc('sessions', { ...copy, _id: createHash('sha256').update(token).digest('hex') });
    expect((await api('GET', '/api/users', { cookie: `sealctl_session=${token}` })).status).toBe(401);
  });

  it('an administrator role added to a staff user\'s document gives them nothing', async () => {
    expect((await api('GET', '/api/users', { cookie: staff.cookie })).status).toBe(403);
    const user = await readDoc('users', staff.userId);
    await writeDoc('users', { ...user, _id: staff.userId, grants: [...(user.grants as unknown[]), { role: 'admin', unitId: admin.rootUnitId }] });
    const users = await api('GET', '/api/users', { cookie: staff.cookie });
    expect(users.status).not.toBe(200);
    const unit = await api('POST', '/api/units', { cookie: staff.cookie, body: { name: 'Rogue', kind: 'branch', parentId: admin.rootUnitId } });
    expect(unit.status).not.toBe(201);
    // The administrator (whose documents are untouched) still works, and sees no rogue unit.
    const units = await api('GET', '/api/units', { cookie: admin.cookie });
    expect(units.status).toBe(200);
    expect(JSON.stringify(await units.json())).not.toContain('Rogue');
  });

  it('a passkey moved to the administrator in the store does not sign anyone in as the administrator', async () => {
    const victim = await invite(admin.rootUnitId, ['auditor'], 'Auditor 审计');
    const adminDoc = await readDoc('users', admin.userId);
    const credential = await readDoc('credentials', `cred:${victim.credentialId}`);
    await writeDoc('credentials', { ...credential, _id: `cred:${victim.credentialId}`, userId: admin.userId });
    // The attacker's authenticator answers with the administrator's user handle, as the moved passkey would.
    const held = victim.authenticator.credentials.get(victim.credentialId)!;
    victim.authenticator.credentials.set(victim.credentialId, { ...held, userHandle: adminDoc.webauthnUserId as string });
    const login = await signIn(victim.authenticator, victim.credentialId);
    expect(login.status).not.toBe(200);
    expect(login.headers.getSetCookie().some((c) => c.startsWith('sealctl_session=') && !c.startsWith('sealctl_session=;'))).toBe(false);
  });

  it('a forged invitation with the administrator role registers nobody', async () => {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    const code = Array.from(randomBytes(20), (b) => alphabet[b % 32]).join('');
    const now = Date.now();
    await writeDoc('invitations', {
      _id: createHash('sha256').update(code).digest('hex'),
      type: 'invitation', unitId: admin.rootUnitId, roles: ['admin'], note: '', createdBy: admin.userId, createdAt: now, expiresAt: now + 3_600_000,
    });
    const attempt = await register(code, 'Intruder');
    expect(attempt.status).toBeGreaterThanOrEqual(400);
    expect(attempt.status).toBeLessThan(500);
  });

  it('an unsigned decision row written into `rows` is not pulled, while the rows the server accepted are', async () => {
    const replica = await openReplica(proc.url, admin, 'storeaccess', { retryTimeMs: 100 });
    try {
      const sha = randomBytes(32).toString('hex');
      await replica.store.facts.appendMany('attachment', [{ sha256: sha, about: 'request:r-1', mime: 'image/jpeg' as const, size: 1234, at: Date.now() }], admin.rootUnitId);
      replica.start({ live: false });
      await replica.sync!.awaitInSync();
      const legit = (await replicaRows(replica)).find((row) => row.type === 'fact' && row.kind === 'attachment')!;
      expect(legit).toBeDefined();

      const forged = {
        _id: 'fact:decision:forged-1', id: 'fact:decision:forged-1', type: 'fact', kind: 'decision', subject: 'request:r-1',
        scopeUnitId: admin.rootUnitId, author: admin.userId, createdAt: Date.now(),
        body: { requestId: 'r-1', verdict: 'approve', uses: 99 },
      };
      await writeDoc('rows', forged);
      // A copy of a row the server wrote (MAC and all) under another id is no row either.
      const stored = await readDoc('rows', legit.id);
      const { _id: _i, _rev: _r, ...copy } = stored;
      await writeDoc('rows', { ...copy, _id: `${legit.id}-copy`, id: `${legit.id}-copy` });

      const pulled = await api('GET', '/api/sync/pull?since=0&limit=1000', { cookie: admin.cookie });
      expect(pulled.status).toBe(200);
      const ids = ((await pulled.json()) as { rows: { id: string }[] }).rows.map((r) => r.id);
      expect(ids).toContain(legit.id);
      expect(ids).not.toContain(forged.id);
      expect(ids).not.toContain(`${legit.id}-copy`);
    } finally {
      await replica.close();
    }
  }, 60_000);

  it('a row the server accepted can be neither rewritten, deleted nor replaced in bulk, even with the credential (the store\'s append-only rule)', async () => {
    const replica = await openReplica(proc.url, admin, 'storeaccess3', { retryTimeMs: 100 });
    try {
      await replica.store.facts.appendMany('attachment', [{ sha256: randomBytes(32).toString('hex'), about: 'request:r-3', mime: 'image/jpeg' as const, size: 4321, at: Date.now() }], admin.rootUnitId);
      replica.start({ live: false });
      await replica.sync!.awaitInSync();
      const legit = (await replicaRows(replica)).find((row) => row.type === 'fact' && row.kind === 'attachment' && (row.body as { size: number }).size === 4321)!;
      const stored = await readDoc('rows', legit.id);
      const auth = await realCredential();
      const path = `/${PREFIX}rows/${encodeURIComponent(legit.id)}`;
      const rewrite = await storeRequest('PUT', path, { auth, body: { ...stored, body: { ...(stored.body as object), size: 1 } } });
      const remove = await storeRequest('DELETE', `${path}?rev=${String(stored._rev)}`, { auth });
      const bulk = await storeRequest('POST', `/${PREFIX}rows/_bulk_docs`, { auth, body: { docs: [{ ...stored, createdAt: 1 }, { _id: `${legit.id}-gone`, _deleted: true }, { _id: 'not-a-row', type: 'note' }] } });
      expect([rewrite.status, remove.status], `${rewrite.text} ${remove.text}`).toEqual([403, 403]);
      const verdicts = JSON.parse(bulk.text) as { id: string; error?: string }[];
      expect(verdicts.map((v) => `${v.id} ${v.error ?? 'written'}`).sort()).toEqual([`${legit.id} forbidden`, `${legit.id}-gone forbidden`, 'not-a-row forbidden'].sort());
      expect(await readDoc('rows', legit.id)).toEqual(stored);
    } finally {
      await replica.close();
    }
  }, 60_000);

  it('bytes the server holds can be neither rewritten nor deleted, even with the credential, while staged parts can (the store\'s write-once rule)', async () => {
    const replica = await openReplica(proc.url, admin, 'storeaccess4', { retryTimeMs: 100 });
    try {
      const bytes = Uint8Array.from({ length: 3_000 }, (_, i) => (i === 0 ? 0xff : i === 1 ? 0xd8 : i === 2 ? 0xff : (i * 31) % 256));
      const { sha256: sha } = await replica.store.attachments.add({ bytes, about: 'request:r-4', mime: 'image/jpeg' }, admin.rootUnitId);
      replica.start({ live: false });
      for (let tries = 0; (await replica.store.book.blob(sha))?.state !== 'uploaded'; tries++) {
        if (tries > 200) throw new Error('the photo never went up');
        await replica.sync!.awaitInSync();
        await new Promise((r) => setTimeout(r, 50));
      }
      const auth = await realCredential();
      const db = `/${PREFIX}blobs`;
      const list = JSON.parse((await storeRequest('GET', `${db}/_all_docs?include_docs=true`, { auth })).text) as { rows: { id: string; doc: Record<string, unknown> }[] };
      const held = list.rows.filter((r) => r.id.includes(sha) && !r.id.startsWith('part:')).map((r) => r.doc);
      expect(held.map((d) => String(d._id).split(':')[0]).sort()).toEqual(['blob', 'chunk', 'proof']);
      const chunk = held.find((d) => String(d._id).startsWith('chunk:'))!;
      const rewrite = await storeRequest('PUT', `${db}/${encodeURIComponent(String(chunk._id))}`, { auth, body: { ...chunk, data: 'AAAA' } });
      const remove = await storeRequest('DELETE', `${db}/${encodeURIComponent(String(chunk._id))}?rev=${String(chunk._rev)}`, { auth });
      expect([rewrite.status, remove.status], `${rewrite.text} ${remove.text}`).toEqual([403, 403]);
      const part = { _id: `part:${sha}:${'0'.repeat(64)}:000000`, type: 'part', sha256: sha, upload: '0'.repeat(64), index: 0, data: 'AAAA' };
      const bulk = await storeRequest('POST', `${db}/_bulk_docs`, { auth, body: { docs: [...held.map((d) => ({ ...d, _deleted: true })), part] } });
      const verdicts = JSON.parse(bulk.text) as { id: string; error?: string; rev?: string }[];
      expect(verdicts.map((v) => `${v.id.split(':')[0]!} ${v.error ?? 'written'}`).sort()).toEqual(['blob forbidden', 'chunk forbidden', 'part written', 'proof forbidden']);
      // A staged part is not held bytes: the server drops parts once an upload settles.
      const partRev = verdicts.find((v) => v.id === part._id)!.rev!;
      expect((await storeRequest('DELETE', `${db}/${encodeURIComponent(part._id)}?rev=${partRev}`, { auth })).status).toBe(200);
      for (const doc of held) expect(await readDoc('blobs', String(doc._id))).toEqual(doc);
    } finally {
      await replica.close();
    }
  }, 60_000);

  it('a row pushed under an id the attacker took first is refused with a reason, not a server error, and the forgery is not served', async () => {
    const replica = await openReplica(proc.url, admin, 'storeaccess2', { retryTimeMs: 100 });
    try {
      await replica.store.facts.appendMany('attachment', [{ sha256: randomBytes(32).toString('hex'), about: 'request:r-2', mime: 'image/jpeg' as const, size: 99, at: Date.now() }], admin.rootUnitId);
      const row = (await replicaRows(replica)).find((r) => r.type === 'fact' && r.kind === 'attachment')!;
      if (row.type !== 'fact') throw new Error('expected the attachment fact');
      await writeDoc('rows', { ...row, _id: row.id, body: { ...row.body, size: 1 } });
      const push = await api('POST', '/api/sync/push', { cookie: admin.cookie, body: { rows: [row] } });
      expect(push.status).toBe(200);
      const [result] = ((await push.json()) as { results: { id: string; status: string; code?: string }[] }).results;
      expect(result).toMatchObject({ id: row.id, status: 'refused', code: 'fact_conflict' });
      const pulled = await api('GET', '/api/sync/pull?since=0&limit=1000', { cookie: admin.cookie });
      expect(((await pulled.json()) as { rows: { id: string }[] }).rows.map((r) => r.id)).not.toContain(row.id);
    } finally {
      await replica.close();
    }
  }, 60_000);
});

/** Runs the server against `COUCHDB_URL` until it exits; returns its exit code and output. */
function runAgainst(couchUrl: string, dataDir: string, env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sync-server/src/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', COUCHDB_URL: couchUrl, DATA_DIR: dataDir, STATIC_DIR: join(dataDir, 'no-app'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', fail);
    child.once('exit', (code) => {
      done({ code, output });
    });
    // A server that started anyway is a failure too: stop it so the test reports it.
    const watch = setInterval(() => {
      if (/listening on/.test(output)) child.kill('SIGTERM');
    }, 50);
    child.once('exit', () => clearInterval(watch));
  });
}

/** A tiny stand-in for a misconfigured CouchDB: `open` decides which anonymous requests it answers. */
async function fakeCouch(open: (method: string, path: string) => boolean): Promise<{ url: string; writes: string[]; server: Server }> {
  const writes: string[] = [];
  const server = createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const anonymous = !request.headers.authorization;
    if (request.method !== 'GET' && request.method !== 'HEAD') writes.push(`${request.method} ${path}`);
    if (anonymous && !open(request.method ?? 'GET', path)) {
      response.writeHead(401, { 'content-type': 'application/json' });
      response.end('{"error":"unauthorized","reason":"Authentication required."}');
      return;
    }
    const body = path === '/' ? { couchdb: 'Welcome', version: '3.4.2' }
      : path === '/_session' ? { ok: true, userCtx: { name: null, roles: ['_admin'] } }
      : path === '/_all_dbs' ? []
      : path.endsWith('/_bulk_docs') ? []
      : { ok: true };
    response.writeHead(request.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, writes, server };
}

describe('refusing to start on a store that answers anyone', () => {
  const cases: [string, (method: string, path: string) => boolean, RegExp][] = [
    ['in admin party (answers everything)', () => true, /_session.*admin party/],
    ['with require_valid_user off', (method, path) => method === 'GET' && path === '/', /require_valid_user/],
    ['that accepts anonymous writes to its databases', (method, path) => method === 'POST' && path.endsWith('/_bulk_docs'), /anonymous write/],
    ['that lets anonymous clients list databases', (_m, path) => path === '/_all_dbs', /_all_dbs/],
  ];
  for (const [name, open, reason] of cases) {
    it(`refuses a CouchDB ${name}, says why, exits non-zero, and writes nothing`, async () => {
      const fake = await fakeCouch(open);
      const dataDir = join(proc.dataDir, `..`, `sealctl-fake-${randomBytes(4).toString('hex')}`);
      try {
        const { code, output } = await runAgainst(fake.url.replace('http://', 'http://admin:secret@'), dataDir);
        expect(code, output).not.toBe(0);
        expect(output).toMatch(/Refusing to start/);
        expect(output).toMatch(reason);
        expect(output).not.toMatch(/listening on/);
        expect(fake.writes.filter((w) => !w.endsWith('/_bulk_docs'))).toEqual([]);
      } finally {
        fake.server.close();
        await rm(dataDir, { recursive: true, force: true });
      }
    }, 60_000);
  }
});

describe('a store that does not answer', () => {
  it('ends the start with a message naming the store (not its password) when it takes connections and says nothing', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const address = `127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const dataDir = join(proc.dataDir, '..', `sealctl-silent-${randomBytes(4).toString('hex')}`);
    try {
      const { code, output } = await runAgainst(`http://admin:secret@${address}`, dataDir, { STORE_ANSWER_SECONDS: '1' });
      expect(code, output).not.toBe(0);
      expect(output).toMatch(new RegExp(`The store at http://${address} did not answer GET / within 1 s`));
      expect(output).toMatch(/STORE_ANSWER_SECONDS/);
      expect(output).not.toMatch(/secret|listening on/);
    } finally {
      silent.closeAllConnections();
      silent.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('says the store cannot be reached, and why, when nothing listens there', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()));
    const address = `127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((r) => closed.close(r));
    const dataDir = join(proc.dataDir, '..', `sealctl-closed-${randomBytes(4).toString('hex')}`);
    try {
      const { code, output } = await runAgainst(`http://admin:secret@${address}`, dataDir);
      expect(code, output).not.toBe(0);
      expect(output).toMatch(new RegExp(`The store at http://${address} cannot be reached \\(ECONNREFUSED\\)`));
      expect(output).not.toMatch(/secret|listening on/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe('a store written under another MAC key', () => {
  it('is refused at start with a message that names STORE_MAC_KEY_PATH (an old data directory, or an instance without the shared key)', async () => {
    const other = await startServerProcess();
    try {
      await other.setupCode();
      await other.kill('SIGTERM');
      await unlink(join(other.dataDir, 'store-mac.key'));
      await expect(other.restart()).rejects.toThrow(/STORE_MAC_KEY_PATH/);
    } finally {
      await other.stop();
    }
  }, 120_000);
});
