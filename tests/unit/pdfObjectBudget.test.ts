import { PDFDict, PDFDocument, PDFName, PDFNumber, PDFRef } from '@cantoo/pdf-lib';
import { describe, expect, it } from 'vitest';
import { checkPdfSignatures } from '@seal/shared';
import { manyObjectsPdf, settledPools } from '../hostilePdfs';

/**
 * pdf-lib made an object and an interned ref for every object a document declares, and kept every
 * ref in a process-wide pool for good: a few hundred kilobytes of Flate declaring a million objects
 * took 20 s and 111 MB that were never given back. The patch (patches/@cantoo+pdf-lib) charges
 * what one parse declares (indirect objects, object streams' /N, cross-reference streams' entries)
 * to a budget of 100,000, and every value parsed to one of 1,000,000, refuses past them, and interns
 * refs and names weakly.
 */

const poolSize = (): number => (PDFRef as unknown as { poolSize(): number }).poolSize() + (PDFName as unknown as { poolSize(): number }).poolSize();
const load = (pdf: Uint8Array) => PDFDocument.load(pdf, { updateMetadata: false, throwOnInvalidObject: true });


/** How many objects a document holds, once parsed (nothing of it is kept). */
const objectsOf = async (pdf: Uint8Array): Promise<number> => (await load(pdf)).context.enumerateIndirectObjects().length;

describe('what one parse of a PDF may declare', () => {
  it('refuses an object stream declaring 200,000 objects', async () => {
    const pdf = manyObjectsPdf([{ kind: 'objects', count: 200_000, first: 5_000_000 }]);
    expect(pdf.length).toBeLessThan(600_000);
    await expect(load(pdf)).rejects.toThrow();
    await expect(checkPdfSignatures(pdf, [])).rejects.toThrow();
  });

  it('refuses object streams that together declare past the budget, each under it', async () => {
    const pdf = manyObjectsPdf([0, 1, 2].map((i) => ({ kind: 'objects' as const, count: 40_000, first: 7_000_000 + i * 40_000 })));
    await expect(load(pdf)).rejects.toThrow();
  });

  it('refuses a cross-reference stream of 2,000,000 entries that read no byte (/W [0 0 0])', async () => {
    const before = await settledPools(poolSize);
    await expect(load(manyObjectsPdf([{ kind: 'entries', count: 2_000_000, first: 9_000_000 }]))).rejects.toThrow();
    expect(await settledPools(poolSize) - before).toBeLessThan(10_000);
  });

  it('reads an honest document of 5,000 objects in object streams, and its refs are the same object while held', async () => {
    const source = await PDFDocument.create();
    source.addPage();
    const refs = Array.from({ length: 5_000 }, (_, i) => source.context.register(source.context.obj({ Index: i })));
    source.catalog.set(PDFName.of('Many'), source.context.obj(refs.slice(0, 10)));
    const doc = await load(await source.save({ useObjectStreams: true }));
    expect(doc.getPageCount()).toBe(1);
    const last = refs.at(-1)!;
    expect(PDFRef.of(last.objectNumber, last.generationNumber)).toBe(last);
    expect(doc.context.lookup(last, PDFDict).get(PDFName.of('Index'))).toEqual(PDFNumber.of(4_999));
  }, 60_000);

  it('refuses one object holding 3,000,000 values (an array of zeros: a few kilobytes of Flate)', async () => {
    const pdf = manyObjectsPdf([{ kind: 'values', count: 3_000_000, first: 10 }]);
    expect(pdf.length).toBeLessThan(30_000);
    await expect(load(pdf)).rejects.toThrow();
  }, 60_000);

  it('gives back the names of a parsed document once nothing holds it (50,000 names, each its own)', async () => {
    const before = await settledPools(poolSize);
    expect(await objectsOf(manyObjectsPdf([{ kind: 'names', count: 50_000, first: 10 }]))).toBeGreaterThan(0);
    expect(await settledPools(poolSize) - before).toBeLessThan(5_000);
  }, 60_000);

  it('gives back the refs of a parsed document once nothing holds it (the pool is not a leak)', async () => {
    const before = await settledPools(poolSize);
    for (let variant = 0; variant < 4; variant++) {
      // Under the budget: parsed in full, 40,000 refs each, numbered apart.
      expect(await objectsOf(manyObjectsPdf([{ kind: 'objects', count: 40_000, first: 20_000_000 + variant * 1_000_000 }]))).toBeGreaterThan(40_000);
    }
    expect(await settledPools(poolSize) - before).toBeLessThan(10_000);
  }, 60_000);
});
