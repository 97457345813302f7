import { processSheetCode, readProcessSheet, SHEET_READ_SIDE, type RequestId } from '@seal/shared';

/**
 * The longest side a scan is read and sent at: enough for the sheet's QR, small enough to send,
 * and the largest the shared reader searches (the server reads the same pixels with it).
 */
const MAX_SIDE = SHEET_READ_SIDE;
/** Also tried when the full size finds nothing: a QR photographed from close up reads better smaller. */
const SMALLER_SIDE = 1000;

export type ScanReadRefusal = 'not_an_image' | 'no_code_found' | 'not_a_sheet_code';

/** A scan read in the browser: the request its QR names, and the image (as PNG) to send. */
export type ScanRead = { readonly ok: true; readonly requestId: RequestId; readonly code: string; readonly png: Uint8Array } | { readonly ok: false; readonly refusal: ScanReadRefusal; readonly detail: string };

function drawn(image: CanvasImageSource & { width: number; height: number }, side: number, turns: number): HTMLCanvasElement {
  const scale = Math.min(1, side / Math.max(image.width, image.height));
  const [w, h] = [Math.round(image.width * scale), Math.round(image.height * scale)];
  const canvas = document.createElement('canvas');
  [canvas.width, canvas.height] = turns % 2 === 0 ? [w, h] : [h, w];
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  context.fillStyle = '#fff';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.translate(canvas.width / 2, canvas.height / 2);
  context.rotate((turns * Math.PI) / 2);
  context.drawImage(image, -w / 2, -h / 2, w, h);
  return canvas;
}

const pngOf = (canvas: HTMLCanvasElement): Promise<Uint8Array> =>
  new Promise((resolve, reject) => {
    canvas.toBlob((blob) => {
      if (blob === null) reject(new Error('the browser could not encode the scan as PNG'));
      else blob.arrayBuffer().then((buffer) => resolve(new Uint8Array(buffer)), reject);
    }, 'image/png');
  });

/**
 * Reads a process sheet's code from a photo or scan (any image the browser opens: JPEG, PNG,
 * WebP, a camera frame): downscaled so a phone's 12-megapixel photo reads quickly, tried at two
 * sizes and turned a quarter at a time if need be (jsQR finds a QR at any angle, but not always
 * in a large, noisy photo). The image sent is the one the code was read from, as PNG: the server
 * reads the same pixels again and files nothing it cannot read itself.
 */
export async function readScan(source: Blob | HTMLCanvasElement): Promise<ScanRead> {
  let image: CanvasImageSource & { width: number; height: number };
  try {
    image = source instanceof Blob ? await createImageBitmap(source) : source;
  } catch (cause) {
    return { ok: false, refusal: 'not_an_image', detail: cause instanceof Error ? cause.message : String(cause) };
  }
  let last: ScanRead = { ok: false, refusal: 'no_code_found', detail: 'no QR code found' };
  for (const side of [MAX_SIDE, SMALLER_SIDE]) {
    for (const turns of [0, 1, 2, 3]) {
      const canvas = drawn(image, side, turns);
      const read = readProcessSheet(canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height));
      if (read.ok) return { ok: true, requestId: read.value, code: processSheetCode(read.value), png: await pngOf(canvas) };
      // A QR that is not a sheet's is an answer: no need to look further.
      if (read.error.code === 'not_a_sheet_code') return { ok: false, refusal: 'not_a_sheet_code', detail: read.error.message };
      last = { ok: false, refusal: 'no_code_found', detail: read.error.message };
    }
  }
  return last;
}
