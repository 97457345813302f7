import { describe, expect, it } from 'vitest';
import { fileSha256 } from './fileSha256';

describe('fileSha256', () => {
  it('gives the SHA-256 of the file bytes as lowercase hex', async () => {
    // FIPS 180-2 test vector: SHA-256("abc").
    expect(await fileSha256(new Blob(['abc']))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashes bytes, not text: the same bytes from a File give the same digest', async () => {
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46, 0xff, 0x00]);
    expect(await fileSha256(new File([bytes], 'a.pdf'))).toBe(await fileSha256(new Blob([bytes])));
  });
});
