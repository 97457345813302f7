import jsQR from 'jsqr';

/** Why the camera cannot be used to scan: said plainly, with the photo fallback offered. */
export type CameraProblem = 'denied' | 'no_camera' | 'unsupported' | 'failed';

/** The QR's text in an image's pixels, or null when none is found. */
export function decodeQr(image: { data: Uint8ClampedArray; width: number; height: number }, thorough = false): string | null {
  return jsQR(image.data, image.width, image.height, { inversionAttempts: thorough ? 'attemptBoth' : 'dontInvert' })?.data ?? null;
}

/** The pixels of `source` drawn at most `maxSide` pixels on its longer side. */
function pixelsOf(source: CanvasImageSource, width: number, height: number, maxSide: number): ImageData | null {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (context === null) return null;
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  return context.getImageData(0, 0, canvas.width, canvas.height);
}

/** Reads the QR of a photo or a scan (a file the camera app took, or one chosen): its text, or null. */
export async function readQrFromImageFile(file: Blob): Promise<string | null> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    return null;
  }
  try {
    // Large photos are read at two sizes: a small QR in a big photo needs the detail.
    for (const side of [1200, 2400]) {
      const pixels = pixelsOf(bitmap, bitmap.width, bitmap.height, side);
      const text = pixels === null ? null : decodeQr(pixels, true);
      if (text !== null) return text;
      if (Math.max(bitmap.width, bitmap.height) <= side) break;
    }
    return null;
  } finally {
    bitmap.close();
  }
}

/** What the browser's refusal of the camera means for the person holding the paper. */
export function cameraProblemOf(error: unknown): CameraProblem {
  const name = error instanceof DOMException || error instanceof Error ? error.name : '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'denied';
  if (name === 'NotFoundError' || name === 'OverconstrainedError' || name === 'NotReadableError') return 'no_camera';
  return 'failed';
}

/** A running camera scan: stop it when a code is read, or when the person leaves the page. */
export interface CameraScan {
  stop(): void;
}

/**
 * Opens the back camera into `video` and reads its frames (about five a second) until one holds
 * a QR: `onCode` gets its text once, then the camera is released. Throws what `getUserMedia`
 * throws (see {@link cameraProblemOf}); `unsupported` when the browser has no camera API.
 */
export async function startCameraScan(video: HTMLVideoElement, onCode: (text: string) => void): Promise<CameraScan> {
  if (typeof navigator === 'undefined' || navigator.mediaDevices?.getUserMedia === undefined) throw Object.assign(new Error('no camera API'), { name: 'Unsupported' });
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stop = (): void => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  video.srcObject = stream;
  video.setAttribute('playsinline', '');
  video.muted = true;
  await video.play().catch(() => undefined);
  const tick = (): void => {
    if (stopped) return;
    const text = video.videoWidth > 0 ? decodeFrame(video) : null;
    if (text !== null) {
      stop();
      onCode(text);
      return;
    }
    timer = setTimeout(tick, 200);
  };
  tick();
  return { stop };
}

function decodeFrame(video: HTMLVideoElement): string | null {
  const pixels = pixelsOf(video, video.videoWidth, video.videoHeight, 960);
  return pixels === null ? null : decodeQr(pixels);
}
