/**
 * The embedded store on its own thread: it keeps what it acknowledged across a close and a start
 * on the same data directory, closing it is not reported as the store being lost, and the data
 * directory stays held until it is closed. (What its own thread buys is measured by the catch-up
 * bench, not here.)
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nano from 'nano';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedStore } from './embeddedStore';

const dirs: string[] = [];
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function freshDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sealctl-embedded-'));
  dirs.push(dir);
  return dir;
}

describe('the embedded store on its own thread', () => {
  it('keeps every document it acknowledged across closes and starts on the same directory, and a close is not a loss', async () => {
    const dir = await freshDir();
    const lost: Error[] = [];
    for (let start = 0; start < 3; start++) {
      const store = await startEmbeddedStore(dir, undefined, (error) => lost.push(error));
      const db = nano(store.url).use<{ start: number }>('kept');
      if (start === 0) await nano(store.url).db.create('kept');
      await db.bulk({ docs: Array.from({ length: 50 }, (_, i) => ({ _id: `s${start}-${i}`, start })) });
      expect((await db.list()).rows).toHaveLength(50 * (start + 1));
      await store.close();
    }
    expect(lost).toEqual([]);
  });

  it('refuses a second start on a directory it holds, and starts there once closed', async () => {
    const dir = await freshDir();
    const first = await startEmbeddedStore(dir);
    await expect(startEmbeddedStore(dir)).rejects.toThrow(/in use|held|another/i);
    await first.close();
    const again = await startEmbeddedStore(dir);
    expect((await fetch(again.address)).status).toBe(401);
    await again.close();
  });

  it('closes once however often it is asked, and closes a thread stuck in a long computation, letting the directory go', async () => {
    const dir = await freshDir();
    const lost: Error[] = [];
    const store = await startEmbeddedStore(dir, undefined, (error) => lost.push(error));
    const client = nano(store.url);
    await client.db.create('stuck');
    // A validation function that computes for a minute: the thread answers nothing meanwhile.
    await client.use('stuck').insert({ _id: '_design/spin', validate_doc_update: 'function () { var t = Date.now(); while (Date.now() - t < 60000) {} }' } as never);
    client.use('stuck').insert({ _id: 'x' }).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Both callers get the one close, well before the computation would end (the test's own timeout is 20 s).
    await Promise.all([store.close(), store.close()]);
    expect(lost).toEqual([]);
    const again = await startEmbeddedStore(dir);
    expect((await nano(again.url).db.list())).toContain('stuck');
    await again.close();
  });

  it('keeps no access log: requests leave no log file in the data directory, however many are made', async () => {
    const dir = await freshDir();
    const store = await startEmbeddedStore(dir);
    const client = nano(store.url);
    await client.db.create('quiet_db');
    const db = client.use<{ n: number }>('quiet_db');
    for (let i = 0; i < 20; i++) await db.insert({ _id: `doc-${i}`, n: i });
    for (let i = 0; i < 20; i++) await db.get(`doc-${i}`);
    await store.close();
    // No log file at all: express-pouchdb's is couch-log.txt, where a line per request used to go.
    expect((await readdir(dir)).filter((file) => file.endsWith('.txt'))).toEqual([]);
  });

  it('removes the access log an older version left in the data directory (it could hold the credential\'s header)', async () => {
    const dir = await freshDir();
    await writeFile(join(dir, 'couch-log.txt'), "[debug] Headers: [{'Authorization', Basic c2VjcmV0}]\n");
    const said: string[] = [];
    const store = await startEmbeddedStore(dir, (line) => said.push(line));
    await store.close();
    expect(await readdir(dir)).not.toContain('couch-log.txt');
    expect(said.join('\n')).toMatch(/Removed .*couch-log\.txt/);
  });
});
