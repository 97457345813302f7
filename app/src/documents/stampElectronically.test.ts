import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { toHex, sha256, newImpressionId, type ElectronicGrant, type Impression } from '@seal/shared';
import { describe, expect, it } from 'vitest';
import { SigningDb } from './signingDb';
import { stampElectronically, type StampingContext } from './stampElectronically';

const LAYOUT = { placements: [{ page: 0, x: 100, y: 100 }], origin: 'https://seal.example' };
const pdf = (text: string) => new TextEncoder().encode(`%PDF-1.7\n% ${text}\n%%EOF\n`);

function harness() {
  const db = new SigningDb(`signing-test-${crypto.randomUUID()}`, { indexedDB, IDBKeyRange });
  const recorded: Impression[] = [];
  let recordsAsked = 0;
  const ctx: StampingContext = {
    db, now: () => Date.UTC(2026, 0, 5, 10),
    records: () => { recordsAsked++; return Promise.reject(new Error('records are not read for a refused document')); },
    recordImpression: (impression) => { recorded.push(impression); return Promise.resolve(); },
  };
  return { db, ctx, recorded, asked: () => recordsAsked };
}

async function grantFor(approved: Uint8Array): Promise<ElectronicGrant> {
  return {
    id: 'g-e', form: 'electronic', requestId: 'req-e', sealId: 'seal-e', holderId: 'staff', documentSha256: toHex(await sha256(approved)), uses: 1,
    window: { notBefore: Date.UTC(2026, 0, 1), notAfter: Date.UTC(2026, 0, 31) }, decisions: [],
  } as unknown as ElectronicGrant;
}

describe('stampElectronically', () => {
  it('refuses a PDF whose SHA-256 is not the approved one, and records, signs and queues nothing', async () => {
    const { db, ctx, recorded, asked } = harness();
    const approved = pdf('the contract as approved');
    const other = pdf('the contract with one clause changed');
    const result = await stampElectronically({ grant: await grantFor(approved), sourcePdf: other, stampedPdf: other, impressionId: newImpressionId(), pages: [1], layout: LAYOUT }, ctx);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('impression_wrong_document');
    expect(result.error.message).toContain('not the document that was approved');
    expect(result.error.message).toContain(toHex(await sha256(other)));
    expect(recorded).toEqual([]);
    expect(asked()).toBe(0);
    expect(await db.countersign.count()).toBe(0);
  });

  it('refuses the approved PDF when this tablet holds no valid certificate for the seal (offline beyond it)', async () => {
    const { db, ctx, recorded } = harness();
    const approved = pdf('the contract as approved');
    const result = await stampElectronically({ grant: await grantFor(approved), sourcePdf: approved, stampedPdf: approved, impressionId: newImpressionId(), pages: [1], layout: LAYOUT }, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'no_valid_certificate' } });
    expect(recorded).toEqual([]);
    expect(await db.countersign.count()).toBe(0);
  });
});
