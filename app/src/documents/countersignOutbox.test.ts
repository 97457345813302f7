import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushCountersignatures } from './countersignOutbox';
import { SigningDb } from './signingDb';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

async function queued(...ids: string[]): Promise<SigningDb> {
  const db = new SigningDb(`outbox-test-${crypto.randomUUID()}`, { indexedDB, IDBKeyRange });
  for (const id of ids) await db.countersign.put({ impressionId: id, holderId: 'usr-holder', signedPdf: new Uint8Array([1, 2, 3]), signedSha256: 'aa'.repeat(32), queuedAt: 1 });
  return db;
}

afterEach(() => vi.unstubAllGlobals());

describe('the countersignature queue', () => {
  it('keeps a PDF whose impression has not reached the server (404) for the next round, and stops sending one the server refused (422)', async () => {
    const db = await queued('not-synced-yet', 'beyond-uses');
    const asked: string[] = [];
    vi.stubGlobal('fetch', (url: string) => {
      asked.push(url);
      return Promise.resolve(url.includes('not-synced-yet')
        ? json(404, { error: 'not_found', message: 'Impression "not-synced-yet" does not exist' })
        : json(422, { error: 'impression_beyond_uses', message: 'Not countersigned: no uses left' }));
    });
    expect(await flushCountersignatures(db, 'usr-holder')).toBe(0);
    expect((await db.countersign.get('not-synced-yet'))?.refused).toBeUndefined();
    expect((await db.countersign.get('not-synced-yet'))?.lastError).toContain('does not exist');
    expect((await db.countersign.get('beyond-uses'))?.refused).toEqual({ code: 'impression_beyond_uses', message: 'Not countersigned: no uses left' });
    asked.length = 0;
    await flushCountersignatures(db, 'usr-holder');
    expect(asked).toEqual(['/api/documents/impressions/not-synced-yet/countersign']);
  });

  it('keeps what the server countersigned, and sends it no more', async () => {
    const db = await queued('honest');
    const pdf = 'JVBERi0xLjcK';
    vi.stubGlobal('fetch', () => Promise.resolve(json(200, { impressionId: 'honest', sha256: 'bb'.repeat(32), pdf, countersignedAt: '2026-12-03T10:00:00.000Z' })));
    expect(await flushCountersignatures(db, 'usr-holder')).toBe(1);
    const held = await db.countersign.get('honest');
    expect(held?.countersigned?.sha256).toBe('bb'.repeat(32));
    expect(new TextDecoder().decode(held!.countersigned!.pdf)).toBe('%PDF-1.7\n');
    expect(await flushCountersignatures(db, 'usr-holder')).toBe(0);
  });

  it("sends a holder's signed PDFs under their own session only: another person signed in on the shared tablet sends none of them", async () => {
    const db = await queued('holders-contract');
    await db.countersign.put({ impressionId: 'from-an-older-build', signedPdf: new Uint8Array([1]), signedSha256: 'cc'.repeat(32), queuedAt: 1 });
    const asked: string[] = [];
    vi.stubGlobal('fetch', (url: string) => {
      asked.push(url);
      return Promise.resolve(json(404, { error: 'not_found', message: 'not yet' }));
    });
    await flushCountersignatures(db, 'usr-someone-else');
    // Only the entry queued before holders were kept (nobody's to keep back) goes.
    expect(asked).toEqual(['/api/documents/impressions/from-an-older-build/countersign']);
    asked.length = 0;
    await flushCountersignatures(db, 'usr-holder');
    expect(asked.sort()).toEqual(['/api/documents/impressions/from-an-older-build/countersign', '/api/documents/impressions/holders-contract/countersign']);
  });
});
