import { describe, expect, it } from 'vitest';
import { hexOf, sha256 } from './der';
import { revisionEnds, startsWithDocument } from './firstRevision';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const join = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
  return out;
};
const hash = async (b: Uint8Array) => hexOf(await sha256(b));
const UPDATE = bytes('\n9 0 obj\n<< /Marks true >>\nendobj\nxref\n9 1\ntrailer\n<< /Prev 10 >>\nstartxref\n40\n%%EOF\n');

describe('startsWithDocument (an electronic seal applied to the approved file itself)', () => {
  it('finds the document whatever its last bytes: no line end, \\n, \\r\\n, padding', async () => {
    for (const tail of ['', '\n', '\r\n', '\r', '  \n', '\n\0\0\0']) {
      const source = bytes(`%PDF-1.7\n1 0 obj\n<< >>\nendobj\ntrailer\n<< >>\n%%EOF${tail}`);
      expect(await startsWithDocument(join(source, UPDATE), await hash(source)), JSON.stringify(tail)).toBe(true);
    }
  });

  it('finds a document that has revisions of its own, and only as a whole revision', async () => {
    const source = bytes('%PDF-1.7\n%%EOF\n2 0 obj\n<< >>\nendobj\n%%EOF\n');
    const signed = join(source, UPDATE);
    expect(await startsWithDocument(signed, await hash(source))).toBe(true);
    // Its first revision alone is not it; nor is the whole signed file's content cut elsewhere.
    expect(await startsWithDocument(signed, await hash(bytes('%PDF-1.7\n%%EOF\n2 0 obj')))).toBe(false);
  });

  it('refuses a file that only claims the hash, and a document ending past the signed revision', async () => {
    const source = bytes('%PDF-1.7\n%%EOF\n');
    const other = bytes('%PDF-1.7\n% something else\n%%EOF\n');
    expect(await startsWithDocument(join(other, UPDATE), await hash(source))).toBe(false);
    expect(await startsWithDocument(join(source, UPDATE), await hash(source), source.length - 2)).toBe(false);
    expect(await startsWithDocument(join(source, UPDATE), (await hash(source)).toUpperCase())).toBe(true);
  });

  it('with the document\'s length known, finds it whatever follows its %%EOF, in one hash', async () => {
    const source = bytes(`%PDF-1.7\n%%EOF\n${'\n'.repeat(100)}trailing line\x1a`);
    const signed = join(source, UPDATE);
    expect(await startsWithDocument(signed, await hash(source))).toBe(false);
    expect(await startsWithDocument(signed, await hash(source), signed.length, source.length)).toBe(true);
    expect(await startsWithDocument(signed, await hash(source), source.length - 1, source.length)).toBe(false);
    expect(await startsWithDocument(signed, await hash(source), signed.length, source.length - 1)).toBe(false);
  });

  it('lists each end once, in file order, within the bound', () => {
    const pdf = bytes('%%EOF\r\n%%EOF');
    expect(revisionEnds(pdf)).toEqual([5, 6, 7, 12]);
    expect(revisionEnds(pdf, 6)).toEqual([5, 6]);
  });
});
