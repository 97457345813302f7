import { hexOf, sha256 } from './der';

/** How far past a `%%EOF` a document's own last bytes may run (line ends, padding some writers leave). */
const TRAILING_SLACK = 64;
/** Ends tried, the latest first (the document an update was appended to ends nearest to it): each costs a hash of the prefix. */
const MAX_TRIED = 32;
const EOF_MARK = [0x25, 0x25, 0x45, 0x4f, 0x46]; // %%EOF
const isPadding = (byte: number): boolean => byte === 0x0a || byte === 0x0d || byte === 0x20 || byte === 0x09 || byte === 0x00;

/**
 * Where a revision of `pdf` may end, before `before`: right after each `%%EOF`, and after each
 * byte of the line ends or padding that follow it (at most {@link TRAILING_SLACK}). An incremental
 * update (ISO 32000-1 §7.5.6) keeps the bytes before it as they were, so the document an update
 * was appended to ends at one of these.
 */
export function revisionEnds(pdf: Uint8Array, before = pdf.length): number[] {
  const ends: number[] = [];
  for (let i = 0; i + EOF_MARK.length <= before; i++) {
    if (!EOF_MARK.every((byte, k) => pdf[i + k] === byte)) continue;
    let end = i + EOF_MARK.length;
    ends.push(end);
    for (let k = 0; k < TRAILING_SLACK && end < before && isPadding(pdf[end]!); k++) ends.push(++end);
  }
  return ends;
}

/**
 * Whether `pdf` begins with the document whose SHA-256 is `sha256Hex` as a whole revision ending
 * before `before` (the signed revision's start, say) — of `size` bytes when its length is known,
 * else ending at one of {@link revisionEnds}: what an electronic seal's impression must
 * be — the approved document's bytes as they were, the seal's marks appended after them. A PDF
 * that merely claims the approved hash does not pass.
 */
export async function startsWithDocument(pdf: Uint8Array, sha256Hex: string, before = pdf.length, size?: number): Promise<boolean> {
  return (await documentEnd(pdf, sha256Hex, before, size)) !== undefined;
}

/**
 * Where the document whose SHA-256 is `sha256Hex` ends in `pdf`, when `pdf` begins with it as
 * {@link startsWithDocument} says; `undefined` when it does not.
 */
export async function documentEnd(pdf: Uint8Array, sha256Hex: string, before = pdf.length, size?: number): Promise<number | undefined> {
  const wanted = sha256Hex.toLowerCase();
  // Its length known (the approved file is held): one hash, whatever its last bytes are.
  if (size !== undefined) return size <= before && hexOf(await sha256(pdf.subarray(0, size))) === wanted ? size : undefined;
  for (const end of revisionEnds(pdf, before).reverse().slice(0, MAX_TRIED)) if (hexOf(await sha256(pdf.subarray(0, end))) === wanted) return end;
  return undefined;
}
