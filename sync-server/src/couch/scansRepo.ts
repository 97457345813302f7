import type { DocumentScope } from 'nano';
import type { FiledScan } from '@seal/shared';
import { getDoc, listDocs, type Stored } from './docs';

/**
 * The `scans` database: one document per process-sheet scan filed (`scan:<request id>:<sha256>`),
 * what the archive searches: the request's title, seal and unit as they were when it was filed,
 * who filed it and when. Written through the change journal with its audit record (the scan's
 * attachment fact and bytes follow it in the replicated rows); this module reads.
 */
export type ScanDoc = Omit<FiledScan, 'filedByName'> & { readonly type: 'sheet-scan'; readonly name?: string };

/** One document per request and image: filing the same bytes to the same request again changes nothing. */
export const scanDocId = (requestId: string, sha256: string): string => `scan:${requestId}:${sha256}`;

const strip = ({ _id: _i, _rev: _r, ...doc }: ScanDoc & Stored): ScanDoc => doc;

export interface ScansRepo {
  /** Every filed scan (the archive filters them by scope and search). */
  list(): Promise<ScanDoc[]>;
  /** The scans filed to one request (an `_all_docs` key range). */
  ofRequest(requestId: string): Promise<ScanDoc[]>;
  /** The scan whose attachment fact is `factRowId`, if filed. */
  byFact(factRowId: string): Promise<ScanDoc | undefined>;
  get(requestId: string, sha256: string): Promise<ScanDoc | undefined>;
}

export function scansRepo(db: DocumentScope<ScanDoc>): ScansRepo {
  const list = async (prefix: string): Promise<ScanDoc[]> => (await listDocs(db, prefix)).filter((d) => d.type === 'sheet-scan').map(strip);
  return {
    list: () => list('scan:'),
    ofRequest: (requestId) => list(`scan:${requestId}:`),
    async byFact(factRowId) {
      // The fact's id is the attachment's, which the scan document keeps: its sha256 is in both.
      return (await list('scan:')).find((d) => d.id === factRowId);
    },
    async get(requestId, sha256) {
      const found = await getDoc(db, scanDocId(requestId, sha256));
      return found ? strip(found) : undefined;
    },
  };
}
