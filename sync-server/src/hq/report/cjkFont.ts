import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let regular: Promise<Uint8Array> | undefined;

/**
 * Noto Sans SC Regular (OTF, from @embedpdf/fonts-sc), read once per process: 8 MB, of which each
 * PDF embeds only the glyphs it uses (a subset). @cantoo/pdf-lib + @cantoo/fontkit subset CJK OTF
 * correctly; pdf-lib 1.17 with @pdf-lib/fontkit does not (see STACK-NOTES).
 */
export function notoSansScRegular(): Promise<Uint8Array> {
  // The package exports only its index: the fonts sit beside its dist folder.
  const entry = createRequire(import.meta.url).resolve('@embedpdf/fonts-sc');
  regular ??= readFile(join(dirname(entry), '..', 'fonts', 'NotoSansHans-Regular.otf'));
  return regular;
}
