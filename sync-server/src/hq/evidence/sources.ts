import {
  chunkCount, deviceEventSchema, deviceSchema, factRowId, fromBase64Url, grantSchema, MAX_ATTACHMENT_BYTES, sealRecordSchema, sha256, toBase64Url, toHex, useRequestSchema,
  type BundlePhoto, type Device, type DeviceEvent, type Grant, type RecordKind, type SealRecord, type SyncRow, type UseRequest,
} from '@seal/shared';
import type { z } from 'zod';
import type { BlobsRepo } from '../../sync/blobsRepo';
import { mergeChangeRows } from '../../sync/recordStates';
import type { RowsRepo } from '../../sync/rowsRepo';
import { stampPhotoHeld } from '../../sync/stampPhotos';
import { storedBetween } from '../../sync/storedRows';

/** How many row ids one `_all_docs` fetch asks for. */
const FETCH_BATCH = 500;
/** The longest log read by id (one id per seq); a longer one is read through the device_log view. */
const MAX_LOG_BY_ID = 100_000;

/** The store's replicated rows and attachment bytes, read as the records evidence is made of. */
export interface EvidenceSources {
  request(id: string): Promise<UseRequest | undefined>;
  seal(id: string): Promise<SealRecord | undefined>;
  device(id: string): Promise<Device | undefined>;
  grant(id: string): Promise<Grant | undefined>;
  /** The device's log entry at `seq`, if stored. */
  entry(deviceId: string, seq: number): Promise<DeviceEvent | undefined>;
  /** The highest seq stored for the device, or -1 when none is. */
  head(deviceId: string): Promise<number>;
  /** The device's stored entries 0 … `toSeq`, in seq order (a missing one is simply absent). */
  log(deviceId: string, toSeq: number): Promise<DeviceEvent[]>;
  /**
   * The photo whose bytes hash to `sha`, taken by device `deviceId`: null when the store does not
   * hold them as that device's photo (`stampPhotoHeld`: a hash alone opens nothing).
   */
  photo(sha: string, deviceId: string): Promise<BundlePhoto | null>;
}

/** The type of a photo from its first bytes (the attachment's recorded type is not indexed by hash). */
function mimeOf(bytes: Uint8Array): BundlePhoto['mime'] {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg';
  if (bytes[0] === 0x89 && bytes[1] === 0x50) return 'image/png';
  if (bytes[0] === 0x52 && bytes[1] === 0x49 && bytes[8] === 0x57) return 'image/webp';
  if (bytes[0] === 0x25 && bytes[1] === 0x50) return 'application/pdf';
  return 'image/x-portable-graymap';
}

export function evidenceSources(rows: RowsRepo, blobs: BlobsRepo): EvidenceSources {
  const record = async <S extends z.ZodType>(kind: RecordKind, id: string, schema: S): Promise<z.output<S> | undefined> => {
    const { json } = mergeChangeRows(await rows.changesOf(kind, id));
    const parsed = schema.safeParse(json);
    return parsed.success ? parsed.data : undefined;
  };
  const fact = async <S extends z.ZodType>(rowId: string, schema: S): Promise<z.output<S> | undefined> => {
    const row = (await rows.getMany([rowId])).get(rowId);
    const parsed = schema.safeParse(row?.type === 'fact' ? row.body : undefined);
    return parsed.success ? parsed.data : undefined;
  };
  return {
    request: (id) => record('request', id, useRequestSchema),
    seal: (id) => record('seal', id, sealRecordSchema),
    device: (id) => record('device', id, deviceSchema),
    grant: (id) => fact(factRowId('grant', id), grantSchema),
    entry: (deviceId, seq) => fact(factRowId('device_event', `${deviceId}:${seq}`), deviceEventSchema),
    async head(deviceId) {
      const last = await rows.deviceEntryBelow(deviceId, Number.MAX_SAFE_INTEGER);
      const parsed = deviceEventSchema.safeParse(last?.body);
      return parsed.success ? parsed.data.seq : -1;
    },
    async log(deviceId, toSeq) {
      const entries: DeviceEvent[] = [];
      const keep = (row: SyncRow | undefined) => {
        const parsed = deviceEventSchema.safeParse(row?.type === 'fact' ? row.body : undefined);
        if (parsed.success) entries.push(parsed.data);
      };
      // A head far beyond any honest log (a pushed seq can claim 10^14): what is stored, through
      // the device_log view, never one id per seq.
      if (toSeq > MAX_LOG_BY_ID) {
        for (const row of await storedBetween(rows, deviceId, 0, toSeq)) keep(row);
        return entries;
      }
      for (let from = 0; from <= toSeq; from += FETCH_BATCH) {
        const ids = Array.from({ length: Math.min(FETCH_BATCH, toSeq - from + 1) }, (_, i) => factRowId('device_event', `${deviceId}:${from + i}`));
        const found = await rows.getMany(ids);
        for (const id of ids) keep(found.get(id));
      }
      return entries;
    },
    async photo(sha, deviceId) {
      if (!(await stampPhotoHeld(sha, deviceId, blobs, rows))) return null;
      const parts: Uint8Array[] = [];
      for (let index = 0; index < chunkCount(MAX_ATTACHMENT_BYTES); index++) {
        const data = await blobs.getChunk(sha, index);
        if (data === undefined) break;
        parts.push(fromBase64Url(data));
      }
      const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
      parts.reduce((offset, p) => (bytes.set(p, offset), offset + p.length), 0);
      if (toHex(await sha256(bytes)) !== sha) return null;
      return { sha256: sha, mime: mimeOf(bytes), bytes: toBase64Url(bytes) };
    },
  };
}
