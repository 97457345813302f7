/**
 * Renders public/icons/icon.svg to the PNG icons the manifest and index.html point at, in
 * headless Chromium (the same renderer the icons are shown by). Run after editing the SVG:
 *
 *   npx tsx scripts/make-icons.ts
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { launchBrowser, REPO_ROOT } from '../tests/e2e/harness';

const ICONS_DIR = join(REPO_ROOT, 'public/icons');
const PAPER = '#f7f4ef';

interface IconSpec {
  readonly file: string;
  readonly size: number;
  /** Diameter of the seal as a share of the icon's side. */
  readonly sealScale: number;
  /** Opaque background, or transparent when undefined. */
  readonly background: string | undefined;
}

const ICONS: readonly IconSpec[] = [
  // "any" icons: the seal alone on transparency, nearly edge to edge.
  { file: 'icon-192.png', size: 192, sealScale: 1, background: undefined },
  { file: 'icon-512.png', size: 512, sealScale: 1, background: undefined },
  // Maskable: full-bleed paper; the seal stays inside the safe zone, a centred circle of 80%
  // of the side, so no launcher mask (circle, squircle, teardrop) clips it.
  { file: 'icon-maskable-512.png', size: 512, sealScale: 0.72, background: PAPER },
  // iOS fills transparency with black, so its home-screen icon is opaque too.
  { file: 'apple-touch-icon.png', size: 180, sealScale: 0.84, background: PAPER },
];

function pageFor(svg: string, spec: IconSpec): string {
  const sealPx = Math.round(spec.size * spec.sealScale);
  const src = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
  return `<!doctype html><html><head><style>
    html, body { margin: 0; width: ${spec.size}px; height: ${spec.size}px; overflow: hidden;
      background: ${spec.background ?? 'transparent'}; }
    body { display: grid; place-items: center; }
    img { width: ${sealPx}px; height: ${sealPx}px; display: block; }
  </style></head><body><img src="${src}" alt=""></body></html>`;
}

async function main(): Promise<void> {
  const svg = await readFile(join(ICONS_DIR, 'icon.svg'), 'utf8');
  const browser = await launchBrowser();
  try {
    for (const spec of ICONS) {
      const page = await browser.newPage({ viewport: { width: spec.size, height: spec.size }, deviceScaleFactor: 1 });
      await page.setContent(pageFor(svg, spec));
      await page.locator('img').evaluate((img: HTMLImageElement) => img.decode());
      const png = await page.screenshot({ omitBackground: spec.background === undefined, type: 'png' });
      await writeFile(join(ICONS_DIR, spec.file), png);
      await page.close();
      console.log(`public/icons/${spec.file}  ${spec.size}×${spec.size}  ${png.length} bytes`);
    }
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
