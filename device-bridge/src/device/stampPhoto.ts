import type { PhotoSubject } from './ports';

/** Side of the simulated photo, in pixels. */
export const PHOTO_SIDE = 32;

/** FNV-1a, 32-bit: a seed from text. Not cryptographic — it only makes the picture vary. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}

/**
 * The simulated camera's photo of a stamped page: a binary PGM (Netpbm P5, 8-bit grey) of
 * 32×32 pixels, deterministic in (request, page, time, use): the header names them in a comment
 * and the pixels are a xorshift32 texture seeded from them, with a dark ring where the seal sits.
 * Any image viewer opens it; its SHA-256 is what the `stamp` log entry carries. Real firmware
 * stores its camera's JPEG instead; nothing else changes.
 */
export function stampPhoto(subject: PhotoSubject): Uint8Array {
  const label = `req=${subject.requestId} page=${subject.page} at=${subject.at} use=${subject.useIndex}`;
  const header = new TextEncoder().encode(`P5\n# seal-photo ${label}\n${PHOTO_SIDE} ${PHOTO_SIDE}\n255\n`);
  const out = new Uint8Array(header.length + PHOTO_SIDE * PHOTO_SIDE);
  out.set(header, 0);
  let state = fnv1a(label) || 1;
  const centre = (PHOTO_SIDE - 1) / 2;
  for (let i = 0; i < PHOTO_SIDE * PHOTO_SIDE; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    const r = Math.hypot((i % PHOTO_SIDE) - centre, Math.floor(i / PHOTO_SIDE) - centre);
    const paper = 200 + (state & 0x37);
    out[header.length + i] = r > 9 && r < 12 ? 40 + (state & 0x1f) : paper;
  }
  return out;
}
