/** A binary PGM (Netpbm P5, 8-bit grey) as RGBA pixels; `null` when the bytes are not one. */
function parsePgm(bytes: Uint8Array): { width: number; height: number; rgba: Uint8ClampedArray<ArrayBuffer> } | null {
  const fields: number[] = [];
  let i = 0;
  const text = (from: number, to: number) => String.fromCharCode(...bytes.subarray(from, to));
  const skipSpace = () => {
    for (;;) {
      while (i < bytes.length && /\s/.test(text(i, i + 1))) i++;
      if (bytes[i] !== 0x23) return; // '#': a comment to the end of the line
      while (i < bytes.length && bytes[i] !== 0x0a) i++;
    }
  };
  if (text(0, 2) !== 'P5') return null;
  i = 2;
  while (fields.length < 3) {
    skipSpace();
    const start = i;
    while (i < bytes.length && bytes[i]! >= 0x30 && bytes[i]! <= 0x39) i++;
    if (start === i) return null;
    fields.push(Number(text(start, i)));
  }
  i++; // the single whitespace after the max value
  const [width, height, max] = fields as [number, number, number];
  if (max <= 0 || max > 255 || bytes.length - i < width * height) return null;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    const v = Math.round((bytes[i + p]! * 255) / max);
    rgba.set([v, v, v, 255], p * 4);
  }
  return { width, height, rgba };
}

/** A PGM photo as a PNG data URL (through a canvas), or `null` when it does not decode. */
export function pgmToDataUrl(bytes: Uint8Array): string | null {
  const image = parsePgm(bytes);
  if (image === null) return null;
  const canvas = document.createElement('canvas');
  canvas.width = image.width;
  canvas.height = image.height;
  const context = canvas.getContext('2d');
  if (context === null) return null;
  context.putImageData(new ImageData(image.rgba, image.width, image.height), 0, 0);
  return canvas.toDataURL('image/png');
}
