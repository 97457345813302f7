import { inflateSync } from 'node:zlib';
import { err, ok, type Result } from '@seal/shared';

/** RGBA pixels, 4 bytes a pixel, rows top to bottom (what jsQR reads). */
export interface PngPixels {
  readonly data: Uint8ClampedArray;
  readonly width: number;
  readonly height: number;
}

/** The most pixels a scan may hold: an A4 page at 300 dpi is 8.7 million. */
export const MAX_PNG_PIXELS = 12_000_000;

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];
/** Channels per colour type: grey, RGB, palette, grey + alpha, RGBA. */
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

interface Header {
  readonly width: number;
  readonly height: number;
  readonly colourType: number;
  readonly interlaced: boolean;
}

/** The chunks of a PNG: its header, palette, and the image data concatenated. */
function readChunks(bytes: Uint8Array): Result<{ header: Header; palette: Uint8Array | undefined; idat: Uint8Array }, string> {
  if (bytes.length < 33 || SIGNATURE.some((b, i) => bytes[i] !== b)) return err('it does not start with the PNG signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Header | undefined;
  let palette: Uint8Array | undefined;
  const data: Uint8Array[] = [];
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (at + 12 + length > bytes.length) return err(`its ${type} chunk runs past the end of the file`);
    const body = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      if (length !== 13) return err('its header chunk is not 13 bytes');
      const depth = body[8]!;
      const colourType = body[9]!;
      if (depth !== 8 || CHANNELS[colourType] === undefined) return err(`it is ${depth}-bit with colour type ${colourType}: only 8-bit PNGs are read`);
      header = { width: view.getUint32(at + 8), height: view.getUint32(at + 12), colourType, interlaced: body[12] !== 0 };
    } else if (type === 'PLTE') palette = body;
    else if (type === 'IDAT') data.push(body);
    else if (type === 'IEND') break;
    at += 12 + length;
  }
  if (header === undefined) return err('it has no header chunk');
  if (header.interlaced) return err('it is interlaced (Adam7): save it without interlacing');
  if (header.width === 0 || header.height === 0 || header.width * header.height > MAX_PNG_PIXELS) return err(`it is ${header.width} × ${header.height} pixels: at most ${MAX_PNG_PIXELS} are read`);
  if (header.colourType === 3 && palette === undefined) return err('it is a palette image without a palette');
  return ok({ header, palette, idat: Buffer.concat(data) });
}

const paeth = (a: number, b: number, c: number): number => {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
};

/** Undoes the per-row filters (PNG spec §9) in place; returns the raw samples or why not. */
function unfilter(raw: Uint8Array, header: Header): Result<Uint8Array, string> {
  const bpp = CHANNELS[header.colourType]!;
  const stride = header.width * bpp;
  if (raw.length < (stride + 1) * header.height) return err('its image data is shorter than its size says');
  const out = new Uint8Array(stride * header.height);
  for (let y = 0; y < header.height; y += 1) {
    const filter = raw[y * (stride + 1)]!;
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const row = y * stride;
    for (let x = 0; x < stride; x += 1) {
      const a = x >= bpp ? out[row + x - bpp]! : 0;
      const b = y > 0 ? out[row - stride + x]! : 0;
      const c = x >= bpp && y > 0 ? out[row - stride + x - bpp]! : 0;
      const predictor = filter === 0 ? 0 : filter === 1 ? a : filter === 2 ? b : filter === 3 ? (a + b) >> 1 : filter === 4 ? paeth(a, b, c) : -1;
      if (predictor < 0) return err(`row ${y} has an unknown filter ${filter}`);
      out[row + x] = (src[x]! + predictor) & 0xff;
    }
  }
  return ok(out);
}

/** Expands samples of any 8-bit colour type to RGBA. */
function toRgba(samples: Uint8Array, header: Header, palette: Uint8Array | undefined): Uint8ClampedArray {
  const count = header.width * header.height;
  const rgba = new Uint8ClampedArray(count * 4);
  for (let i = 0; i < count; i += 1) {
    const o = i * 4;
    switch (header.colourType) {
      case 0: rgba[o] = rgba[o + 1] = rgba[o + 2] = samples[i]!; rgba[o + 3] = 255; break;
      case 2: rgba[o] = samples[i * 3]!; rgba[o + 1] = samples[i * 3 + 1]!; rgba[o + 2] = samples[i * 3 + 2]!; rgba[o + 3] = 255; break;
      case 3: {
        const p = samples[i]! * 3;
        rgba[o] = palette![p] ?? 0; rgba[o + 1] = palette![p + 1] ?? 0; rgba[o + 2] = palette![p + 2] ?? 0; rgba[o + 3] = 255;
        break;
      }
      case 4: rgba[o] = rgba[o + 1] = rgba[o + 2] = samples[i * 2]!; rgba[o + 3] = samples[i * 2 + 1]!; break;
      default: rgba.set(samples.subarray(o, o + 4), o);
    }
  }
  return rgba;
}

/**
 * Decodes an 8-bit, non-interlaced PNG (what a browser's canvas writes) to RGBA pixels, with
 * node:zlib only: the server reads a scan's QR itself rather than trust the code a client sends.
 * A file that is not such a PNG, or is larger than `MAX_PNG_PIXELS`, is a refusal, never a throw
 * (the inflated size is bounded before inflating, so a small file cannot expand without limit).
 */
export function pngPixels(bytes: Uint8Array): Result<PngPixels, string> {
  const chunks = readChunks(bytes);
  if (!chunks.ok) return chunks;
  const { header, palette, idat } = chunks.value;
  const expected = (header.width * CHANNELS[header.colourType]! + 1) * header.height;
  let raw: Uint8Array;
  try {
    raw = inflateSync(idat, { maxOutputLength: expected });
  } catch (cause) {
    return err(`its image data does not inflate (${cause instanceof Error ? cause.message : String(cause)})`);
  }
  const samples = unfilter(raw, header);
  if (!samples.ok) return samples;
  return ok({ data: toRgba(samples.value, header, palette), width: header.width, height: header.height });
}
