import { fromBase64Url, type BundlePhoto } from '@seal/shared';
import { pgmToDataUrl } from '../../device/pgm';

/**
 * The photo as an image URL, from the bundle's own bytes (what was verified is what is shown):
 * a device's grey PGM through a canvas, other images as they are; `null` when it cannot be shown
 * (a PDF, or bytes that do not decode).
 */
export function photoDataUrl(photo: BundlePhoto): string | null {
  let bytes: Uint8Array;
  try {
    bytes = fromBase64Url(photo.bytes);
  } catch {
    return null;
  }
  if (photo.mime === 'image/x-portable-graymap') return pgmToDataUrl(bytes);
  if (photo.mime === 'application/pdf') return null;
  const base64 = photo.bytes.replace(/-/g, '+').replace(/_/g, '/');
  return `data:${photo.mime};base64,${base64}${'='.repeat((4 - (base64.length % 4)) % 4)}`;
}
