import { deflateSync } from 'node:zlib';
import { crc32 } from 'node:zlib';

/** A PNG chunk: length, type, body, CRC of type and body. */
function chunk(type: string, body: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

/** An 8-bit grey PNG of `width` × `height` pixels, each `pixel(x, y)` (0–255). */
export function greyPng(width: number, height: number, pixel: (x: number, y: number) => number): Uint8Array {
  const raw = Buffer.alloc((width + 1) * height);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) raw[y * (width + 1) + 1 + x] = pixel(x, y);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 0, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array())]);
}

/** Random black-and-white noise, one pixel a cell: full of QR finder-pattern look-alikes. */
export const noisePng = (width: number, height: number): Uint8Array => greyPng(width, height, () => (Math.random() < 0.5 ? 0 : 255));
