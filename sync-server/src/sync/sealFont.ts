import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

let bold: Promise<Uint8Array> | undefined;

/**
 * Noto Sans SC Bold (from @embedpdf/fonts-sc), the seal's font: the very file the app's
 * `sealFont.ts` serves to tablets, read once per process. The countersign route draws each
 * impression again with it (`judgeStampedPdf`), so it must be the tablet's font to the byte.
 */
export function sealFont(): Promise<Uint8Array> {
  // The package exports only its index: the fonts sit beside its dist folder.
  bold ??= readFile(join(dirname(createRequire(import.meta.url).resolve('@embedpdf/fonts-sc')), '..', 'fonts', 'NotoSansHans-Bold.otf'));
  return bold;
}
