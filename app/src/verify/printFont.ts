// The package exports only its index: the font files beside it are reached by path.
import fontUrl from '../../../node_modules/@embedpdf/fonts-sc/fonts/NotoSansHans-Bold.otf?url';

const CACHE_NAME = 'sealctl-print-font';

/**
 * The bytes of Noto Sans SC Bold (8 MB; each print embeds only the glyphs it draws) for
 * `makePrintCopy`: too large for the precache, so fetched the first time a copy is printed and
 * kept in Cache Storage, for printing offline afterwards.
 */
export async function loadPrintFont(): Promise<Uint8Array> {
  const cache = typeof caches === 'undefined' ? undefined : await caches.open(CACHE_NAME).catch(() => undefined);
  const kept = await cache?.match(fontUrl);
  if (kept !== undefined) return new Uint8Array(await kept.arrayBuffer());
  const response = await fetch(fontUrl);
  if (!response.ok) throw new Error(`the font could not be fetched (HTTP ${response.status})`);
  await cache?.put(fontUrl, response.clone()).catch(() => undefined);
  return new Uint8Array(await response.arrayBuffer());
}
