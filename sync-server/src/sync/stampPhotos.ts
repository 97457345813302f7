import { attachmentMetaSchema, subjectOf } from '@seal/shared';
import type { BlobsRepo } from './blobsRepo';
import type { RowsRepo } from './rowsRepo';

/**
 * Whether the photo a device's stamp entry names may be shown with that stamp (on `/verify`, in
 * HQ's evidence bundles): its bytes are held whole AND were delivered by an upload under an
 * attachment fact about that very device (as a tablet files the photos it reads off the device).
 * A hash alone opens nothing: anyone may register a device with a key of their own and have it
 * log a stamp naming any hash (one read off a public record), and bytes held for another unit's
 * request must not come out as that made-up stamp's photo.
 */
export async function stampPhotoHeld(sha256: string, deviceId: string, blobs: BlobsRepo, rows: RowsRepo): Promise<boolean> {
  if (!(await blobs.isComplete(sha256))) return false;
  const facts = await rows.getMany(await blobs.provenFacts(sha256));
  const about = subjectOf('device', deviceId);
  for (const row of facts.values()) {
    if (row.type !== 'fact' || row.kind !== 'attachment') continue;
    const meta = attachmentMetaSchema.safeParse(row.body);
    if (meta.success && meta.data.sha256 === sha256 && meta.data.about === about) return true;
  }
  return false;
}
