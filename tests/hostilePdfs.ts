/**
 * PDFs written by hand, byte by byte, that declare far more objects than they hold: what a
 * stranger can post to the public `/api/verify/pdf`. pdf-lib's parse, unpatched, makes an object
 * and an interned ref for each declared one (see patches/@cantoo+pdf-lib).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { deflateSync } from 'node:zlib';

/** What an object stream or cross-reference stream declares. */
export interface HostileStream {
  /**
   * `objects`: an object stream of `count` objects numbered from `first`, all at offset 0 (`<<>>`).
   * `entries`: a cross-reference stream of `count` entries from `first`, each zero bytes wide.
   * `values`: an object stream of one object (numbered `first`), an array of `count` zeros.
   * `names`: an object stream of one object (numbered `first`), a dictionary of `count` names, each its own.
   */
  readonly kind: 'objects' | 'entries' | 'values' | 'names';
  readonly count: number;
  readonly first: number;
}

/**
 * A minimal PDF (catalog, empty page tree) with `streams`, Flate-compressed; with `markers`, a
 * comment carries what a seal's signature has in plain bytes (`/ByteRange`, a `seal:` field name),
 * so a check of the bytes alone does not set it aside.
 */
export function manyObjectsPdf(streams: readonly HostileStream[], markers = false): Uint8Array {
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let length = 0;
  const push = (bytes: Buffer): void => { parts.push(bytes); length += bytes.length; };
  const object = (num: number, body: Buffer | string): void => {
    offsets[num] = length;
    push(Buffer.from(`${num} 0 obj\n`, 'latin1'));
    push(typeof body === 'string' ? Buffer.from(body, 'latin1') : body);
    push(Buffer.from('\nendobj\n', 'latin1'));
  };
  push(Buffer.from(`%PDF-1.7\n${markers ? '% /ByteRange [0 0 0 0] /T (seal:S1:imp_1)\n' : ''}`, 'latin1'));
  object(1, '<< /Type /Catalog /Pages 2 0 R >>');
  object(2, '<< /Type /Pages /Kids [] /Count 0 >>');
  streams.forEach((stream, index) => {
    let dict: string;
    let data: Buffer;
    if (stream.kind === 'values' || stream.kind === 'names') {
      const header = `${stream.first} 0 `;
      const body = stream.kind === 'values' ? `[${'0 '.repeat(stream.count)}]` : `<<${Array.from({ length: stream.count }, (_, i) => `/n${stream.first}_${i} 0`).join(' ')}>>`;
      data = deflateSync(Buffer.from(header + body, 'latin1'), { level: 9 });
      dict = `/Type /ObjStm /N 1 /First ${header.length}`;
    } else if (stream.kind === 'objects') {
      const header: string[] = [];
      for (let i = 0; i < stream.count; i++) header.push(`${stream.first + i} 0`);
      const text = `${header.join(' ')} `;
      data = deflateSync(Buffer.from(`${text}<<>>`, 'latin1'), { level: 9 });
      dict = `/Type /ObjStm /N ${stream.count} /First ${text.length}`;
    } else {
      data = deflateSync(Buffer.alloc(0));
      dict = `/Type /XRef /Size ${stream.first + stream.count} /Index [${stream.first} ${stream.count}] /W [0 0 0]`;
    }
    object(3 + index, Buffer.concat([
      Buffer.from(`<< ${dict} /Filter /FlateDecode /Length ${data.length} >>\nstream\n`, 'latin1'), data, Buffer.from('\nendstream', 'latin1'),
    ]));
  });
  const count = 3 + streams.length;
  const xrefAt = length;
  const rows = ['0000000000 65535 f \n'];
  for (let num = 1; num < count; num++) rows.push(`${String(offsets[num]).padStart(10, '0')} 00000 n \n`);
  push(Buffer.from(`xref\n0 ${count}\n${rows.join('')}trailer\n<< /Size ${count} /Root 1 0 R >>\nstartxref\n${xrefAt}\n%%EOF\n`, 'latin1'));
  return new Uint8Array(Buffer.concat(parts));
}

/** A full garbage collection now (V8's `gc`, exposed on first use). */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * Collects garbage until `poolSize` (pdf-lib's weakly held ref or name pools) stops shrinking — their
 * entries go when their finalisers run, after a collection — and returns it.
 */
export async function settledPools(poolSize: () => number): Promise<number> {
  let steady = 0;
  for (let round = 0, size = poolSize(); round < 30 && steady < 3; round++) {
    collectGarbage();
    await new Promise((resolve) => setTimeout(resolve, 20));
    steady = poolSize() < size ? 0 : steady + 1;
    size = poolSize();
  }
  return poolSize();
}
