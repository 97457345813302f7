import type * as PdfJs from 'pdfjs-dist';
import type { PDFDocumentProxy } from 'pdfjs-dist';

/**
 * The document's pages for the stamping preview, drawn by PDF.js (Mozilla's renderer). PDF.js and
 * its worker are loaded only when a document is opened (a dynamic import: ~400 KB gzip kept off
 * the first page); vite bundles the worker as a file of its own, which the service worker
 * precaches with the rest, so the preview works offline.
 */

/** Millimetres per PDF point. */
const MM_PER_POINT = 25.4 / 72;

/** A page's size as shown (its crop box, turned by its /Rotate), in mm. */
export interface PageSizeMm {
  readonly width: number;
  readonly height: number;
  /** The page's /Rotate: the seal is placed in the page's own (unrotated) frame, so only 0 is supported. */
  readonly rotation: number;
}

export interface PdfPages {
  readonly count: number;
  readonly sizes: readonly PageSizeMm[];
  /** Draws page `index` (0-based) into `canvas`, `cssWidth` CSS pixels wide, sharp on this screen. */
  render(index: number, canvas: HTMLCanvasElement, cssWidth: number): Promise<void>;
  close(): Promise<void>;
}

let library: Promise<typeof PdfJs> | undefined;

async function loadLibrary(): Promise<typeof PdfJs> {
  library ??= Promise.all([import('pdfjs-dist'), import('pdfjs-dist/build/pdf.worker.min.mjs?url')]).then(([pdfjs, worker]) => {
    pdfjs.GlobalWorkerOptions.workerSrc = worker.default;
    return pdfjs;
  });
  return library;
}

/** Opens `bytes` (a copy is handed to PDF.js, whose worker takes ownership of what it is given). */
export async function openPdfPages(bytes: Uint8Array): Promise<PdfPages> {
  const pdfjs = await loadLibrary();
  const task = pdfjs.getDocument({ data: bytes.slice() });
  const doc: PDFDocumentProxy = await task.promise;
  const sizes: PageSizeMm[] = [];
  const drawing = new WeakMap<HTMLCanvasElement, PdfJs.RenderTask>();
  const latest = new WeakMap<HTMLCanvasElement, object>();
  for (let i = 1; i <= doc.numPages; i += 1) {
    const page = await doc.getPage(i);
    const viewport = page.getViewport({ scale: 1 });
    sizes.push({ width: viewport.width * MM_PER_POINT, height: viewport.height * MM_PER_POINT, rotation: page.rotate });
  }
  return {
    count: doc.numPages,
    sizes,
    async render(index, canvas, cssWidth) {
      // One drawing per canvas at a time (PDF.js refuses two): a page turned to mid-drawing stops the drawing before.
      const mine = {};
      latest.set(canvas, mine);
      const before = drawing.get(canvas);
      if (before !== undefined) {
        before.cancel();
        await before.promise.catch(() => undefined);
      }
      const page = await doc.getPage(index + 1);
      // A later call for this canvas came in meanwhile: it draws, this one stops here.
      if (latest.get(canvas) !== mine || drawing.has(canvas)) return;
      const base = page.getViewport({ scale: 1 });
      const ratio = Math.min(window.devicePixelRatio || 1, 2);
      const viewport = page.getViewport({ scale: (cssWidth / base.width) * ratio });
      canvas.width = Math.round(viewport.width);
      canvas.height = Math.round(viewport.height);
      canvas.style.width = `${cssWidth}px`;
      canvas.style.aspectRatio = `${viewport.width} / ${viewport.height}`;
      const task = page.render({ canvas, viewport });
      drawing.set(canvas, task);
      try {
        await task.promise;
      } finally {
        if (drawing.get(canvas) === task) drawing.delete(canvas);
      }
    },
    close: () => task.destroy(),
  };
}

/** How many pages a PDF has, by PDF.js; `undefined` when it cannot be read as a PDF. */
export async function countPdfPages(bytes: Uint8Array): Promise<number | undefined> {
  try {
    const pdfjs = await loadLibrary();
    const task = pdfjs.getDocument({ data: bytes.slice() });
    const count = (await task.promise).numPages;
    await task.destroy();
    return count;
  } catch {
    return undefined;
  }
}
