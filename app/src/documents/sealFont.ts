// The seal's font, Noto Sans SC Bold (OFL, from @embedpdf/fonts-sc): the package exports only its
// index, so the file is reached by its path. Vite emits it as a hashed asset.
import fontUrl from '../../../node_modules/@embedpdf/fonts-sc/fonts/NotoSansHans-Bold.otf?url';

/**
 * The seal's font on this tablet, for drawing impressions into PDFs with no network.
 *
 * The font is 8.6 MB: over the service worker's precache limit (8 MB), and too much to make every
 * phone that only approves download on install. So it is kept in a Cache Storage cache of its
 * own, filled by {@link warmSealFont} the first time the app runs online for someone who may
 * stamp, and read from there first by {@link loadSealFont}, which never needs the service worker.
 * The cache name carries the asset's hashed URL: a new font version replaces the old one.
 * A font subset made at build time cannot work (organisations' names are arbitrary), and storing
 * outlines with each seal would mean a migration of every seal record; the cache is one file, once.
 */
export const SEAL_FONT_CACHE = 'seal-font';
export const SEAL_FONT_URL: string = fontUrl;

const cacheAvailable = (): boolean => typeof caches !== 'undefined';

/** Whether the font is on this tablet (so stamping works offline). */
export async function sealFontHeld(): Promise<boolean> {
  if (!cacheAvailable()) return false;
  const cache = await caches.open(SEAL_FONT_CACHE);
  return (await cache.match(SEAL_FONT_URL)) !== undefined;
}

/**
 * Fetches the font into its cache if it is not there yet (and drops older versions), asking the
 * browser to keep this origin's storage. Resolves to whether the font is now held.
 */
export async function warmSealFont(): Promise<boolean> {
  if (!cacheAvailable()) return false;
  const cache = await caches.open(SEAL_FONT_CACHE);
  const url = new URL(SEAL_FONT_URL, location.href).href;
  for (const request of await cache.keys()) if (request.url !== url) await cache.delete(request);
  if ((await cache.match(url)) !== undefined) return true;
  const response = await fetch(url);
  if (!response.ok) return false;
  await cache.put(url, response);
  // Best effort: a persisted origin is not evicted under storage pressure.
  await navigator.storage?.persist?.().catch(() => false);
  return true;
}

/** The font's bytes: from the tablet's cache, else from the network (and then kept). */
export async function loadSealFont(): Promise<Uint8Array> {
  if (cacheAvailable()) {
    const cache = await caches.open(SEAL_FONT_CACHE);
    const held = (await cache.match(SEAL_FONT_URL)) ?? ((await warmSealFont()) ? await cache.match(SEAL_FONT_URL) : undefined);
    if (held !== undefined) return new Uint8Array(await held.arrayBuffer());
  }
  const response = await fetch(SEAL_FONT_URL);
  if (!response.ok) throw new Error(`the seal font answered ${response.status} at ${SEAL_FONT_URL}`);
  return new Uint8Array(await response.arrayBuffer());
}
