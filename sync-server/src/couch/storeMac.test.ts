import { createHmac, randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import canonicalize from 'canonicalize';
import { loadOrCreateStoreMac, MAC_FIELD, storeMac } from './storeMac';

const session = { type: 'session', userId: 'usr_a', credentialId: 'c1', createdAt: 1, lastSeenAt: 1, expiresAt: 9, idleExpiresAt: 9 };

describe('the store MAC', () => {
  const mac = storeMac(randomBytes(32));

  it('verifies what it marked, with CouchDB fields around it, and returns the document without the MAC', () => {
    const stored = { ...mac.mark('sessions', 'h1', session), _id: 'h1', _rev: '1-abc' };
    expect(mac.verify('sessions', 'h1', stored)).toEqual({ ...session, _id: 'h1', _rev: '1-abc' });
  });

  it('refuses a document without a MAC, with a changed field, an added field, or a MAC for another id or database', () => {
    const marked = mac.mark('sessions', 'h1', session);
    expect(mac.verify('sessions', 'h1', session)).toBeUndefined();
    expect(mac.verify('sessions', 'h1', { ...marked, userId: 'usr_admin' })).toBeUndefined();
    expect(mac.verify('sessions', 'h1', { ...marked, roles: ['admin'] })).toBeUndefined();
    expect(mac.verify('sessions', 'h2', marked)).toBeUndefined();
    expect(mac.verify('users', 'h1', marked)).toBeUndefined();
    expect(mac.verify('sessions', 'h1', { ...marked, [MAC_FIELD]: 'AAAA' })).toBeUndefined();
    expect(mac.verify('sessions', 'h1', { ...marked, [MAC_FIELD]: 42 })).toBeUndefined();
  });

  it('is the HMAC-SHA256 of the canonical JSON of database, id and fields: documents stored before still verify, a chunk\'s text changed by one character does not', () => {
    const key = randomBytes(32);
    const keyed = storeMac(key);
    const chunk = { type: 'chunk', sha: 'ab'.repeat(32), index: 1, data: randomBytes(128 * 1024).toString('base64url') };
    const escaped = { ...chunk, data: `${chunk.data}"\\\n` };
    for (const [database, id, doc] of [['sessions', 'h1', session], ['blobs', 'chunk:ab:000001', chunk], ['blobs', 'chunk:ab:000002', escaped]] as const) {
      // The canonical form by another library (RFC 8785's `canonicalize`), not ours: the MAC is what it always was.
      const expected = createHmac('sha256', key).update(canonicalize({ database, id, body: doc })!, 'utf8').digest('base64url');
      expect(keyed.mark(database, id, doc)[MAC_FIELD]).toBe(expected);
      expect(keyed.verify(database, id, { ...doc, [MAC_FIELD]: expected })).toEqual(doc);
    }
    const flipped = `${chunk.data.slice(0, 1000)}${chunk.data[1000] === 'A' ? 'B' : 'A'}${chunk.data.slice(1001)}`;
    expect(keyed.verify('blobs', 'chunk:ab:000001', { ...keyed.mark('blobs', 'chunk:ab:000001', chunk), data: flipped })).toBeUndefined();
  });

  it('refuses a document marked under another key', () => {
    const other = storeMac(randomBytes(32));
    expect(mac.verify('sessions', 'h1', other.mark('sessions', 'h1', session))).toBeUndefined();
  });

  it('does not depend on key order, and ignores undefined fields as JSON does', () => {
    const marked = mac.mark('users', 'u', { b: 1, a: { y: 2, x: undefined } });
    expect(mac.verify('users', 'u', JSON.parse(JSON.stringify({ [MAC_FIELD]: marked[MAC_FIELD], a: { y: 2 }, b: 1 })) as object)).toBeDefined();
  });

  it('verifies, once stored as JSON, any document it marked: what JSON drops or rewrites (undefined, a date, an array hole) marked as stored', () => {
    const holed = new Array<number>(2);
    holed[1] = 7;
    const docs = [
      { type: 'chunk', data: 'A'.repeat(200_000), index: 0 },
      { at: new Date(1_790_000_000_000), list: [1, undefined, 3], holed, nested: { gone: undefined, kept: -0 } },
      { text: '分包合同 \u{1F600}', n: 1e21, tiny: 5e-324 },
    ];
    for (const doc of docs) {
      const stored = JSON.parse(JSON.stringify({ ...mac.mark('rows', 'r1', doc), _id: 'r1', _rev: '1-a' })) as object;
      expect(mac.verify('rows', 'r1', stored)).toBeDefined();
      expect(mac.verify('rows', 'r2', stored)).toBeUndefined();
    }
  });

  it('generates its key once, mode 0600, and reads the same key back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sealctl-mac-'));
    try {
      const path = join(dir, 'nested', 'store-mac.key');
      const first = await loadOrCreateStoreMac(path);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      const again = await loadOrCreateStoreMac(path);
      expect(again.verify('meta', 'setup', first.mark('meta', 'setup', { state: 'done' }))).toEqual({ state: 'done' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
