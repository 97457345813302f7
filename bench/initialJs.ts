/**
 * The initial JS of the built app: what the browser must fetch before the first page can run.
 * `npm run bench` (bench/app.bench.ts) reports it and tests/unit/initialJs.test.ts holds it to
 * the budget, both through {@link measureInitialJs}, so the figure and the check never disagree.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The budget for the initial JS, gzip, in KB (1024 bytes). */
export const INITIAL_JS_BUDGET_KB = 170;

/** One file of the initial JS (its path inside the build directory) and its gzip size. */
export interface InitialJsFile {
  readonly file: string;
  readonly gzipBytes: number;
}

export interface InitialJs {
  /** Every JS file loaded for the first page, entry first, each once. */
  readonly files: readonly InitialJsFile[];
  readonly gzipBytes: number;
  /** `gzipBytes` in KB (1024 bytes), to one decimal. */
  readonly gzipKb: number;
}

/** One chunk in Vite's build manifest (`build.manifest`); `imports` are keys of other chunks. */
interface ManifestChunk {
  readonly file: string;
  readonly src?: string;
  readonly isEntry?: boolean;
  readonly imports?: readonly string[];
}

const MANIFEST = '.vite/manifest.json';

function readManifest(distDir: string): Record<string, ManifestChunk> {
  const path = join(distDir, MANIFEST);
  if (!existsSync(path)) {
    throw new Error(`expected Vite's build manifest at ${path}, found none: build the app with \`build.manifest: true\` (vite.config.ts) first`);
  }
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, ManifestChunk>;
}

/**
 * The JS that index.html itself names: its module scripts and modulepreload links, as paths inside
 * the build directory (a plugin may inject one the manifest does not tie to the entry).
 */
function scriptsNamedByHtml(html: string): string[] {
  const named: string[] = [];
  for (const [tag] of html.matchAll(/<(?:script|link)\b[^>]*>/g)) {
    const isModuleScript = tag.startsWith('<script') && /\btype=["']module["']/.test(tag);
    const isPreload = tag.startsWith('<link') && /\brel=["']modulepreload["']/.test(tag);
    const url = /\b(?:src|href)=["']([^"']+)["']/.exec(tag)?.[1];
    if ((isModuleScript || isPreload) && url !== undefined && !/^[a-z]+:\/\//i.test(url)) named.push(url.replace(/^\//, ''));
  }
  return named;
}

/** The entry chunk and every chunk it imports statically, transitively (each once, entry first). */
function staticClosure(manifest: Record<string, ManifestChunk>): string[] {
  const entries = Object.entries(manifest).filter(([, chunk]) => chunk.isEntry === true && chunk.src === 'index.html');
  if (entries.length !== 1) {
    throw new Error(`expected exactly one entry chunk for index.html in Vite's build manifest, found ${entries.length}`);
  }
  const files: string[] = [];
  const seen = new Set<string>();
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (chunk === undefined) throw new Error(`Vite's build manifest names the chunk "${key}" as an import but holds no such chunk`);
    files.push(chunk.file);
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  visit(entries[0]![0]);
  return files;
}

/**
 * Measures the initial JS of the app built into `distDir` (dist/app): the entry chunk of
 * index.html, every chunk it imports statically (what Vite modulepreloads), and any other module
 * script index.html names; each gzip-compressed at zlib's default level. Chunks reached only by a
 * dynamic `import()` are not counted: the first page does not wait for them.
 */
export function measureInitialJs(distDir: string): InitialJs {
  const htmlPath = join(distDir, 'index.html');
  if (!existsSync(htmlPath)) throw new Error(`expected the built app at ${htmlPath}, found none: run \`npx vite build\` first`);
  const names = [...new Set([...staticClosure(readManifest(distDir)), ...scriptsNamedByHtml(readFileSync(htmlPath, 'utf8'))])];
  const files = names.map((file) => ({ file, gzipBytes: gzipSync(readFileSync(join(distDir, file))).byteLength }));
  const gzipBytes = files.reduce((sum, f) => sum + f.gzipBytes, 0);
  return { files, gzipBytes, gzipKb: Math.round((gzipBytes / 1024) * 10) / 10 };
}
