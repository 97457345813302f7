/** The catch-up bench's photos (`catchUpTablet.ts` in Node, `browser/tablet.ts` in Chromium): a JPEG's signature, then filler. */

/** A photo of `size` bytes, different for every seed. */
export const catchUpPhoto = (seed: number, size: number): Uint8Array => {
  const bytes = new Uint8Array(size);
  bytes.set([0xff, 0xd8, 0xff]);
  for (let i = 3; i < bytes.length; i++) bytes[i] = (i * 31 + seed * 7919) % 251;
  // The seed itself too: the pattern alone repeats every 251 seeds.
  new DataView(bytes.buffer).setUint32(3, seed);
  return bytes;
};
