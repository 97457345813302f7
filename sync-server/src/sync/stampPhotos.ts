import { attachmentMetaSchema, stampPhotoKey, subjectOf } from '@seal/shared';
import type { BlobsRepo } from './blobsRepo';
import type { RowsRepo } from './rowsRepo';
import { uploadKeyOf } from './settleUpload';

/** A photo as a device's stamp entry names it: the stamping device and the hash. */
export interface StampPhoto {
  readonly deviceId: string;
  readonly sha256: string;
}

/**
 * Which of the photos stamps name may be shown with their stamps (on `/verify`, in HQ's evidence
 * bundles, HQ's anomaly scan and reconciliation): those whose bytes are held whole AND were
 * delivered by an upload under an attachment fact about that very device (as a tablet files the
 * photos it reads off the device). A hash alone opens nothing: anyone may register a device with a
 * key of their own and have it log a stamp naming any hash (one read off a public record), and
 * bytes held for another unit's request must not come out as that made-up stamp's photo — nor
 * count as its photo, which would tell that the hash is held. Nor does a fact merely filed about
 * the device under that hash: its own upload must have delivered the bytes.
 *
 * Every photo asked is looked up at once: the facts about each device under each hash (a view
 * request per thousand), then those facts' proofs and the blobs by id — a scan of a scope's stamps
 * costs a few requests, not some per stamp.
 *
 * @returns the `stampPhotoKey`s of the photos held
 */
export async function stampPhotosHeld(photos: readonly StampPhoto[], blobs: BlobsRepo, rows: RowsRepo): Promise<Set<string>> {
  const asked = new Map(photos.map((photo) => [`${subjectOf('device', photo.deviceId)}\u0000${photo.sha256}`, photo]));
  if (asked.size === 0) return new Set();
  const facts = await rows.attachmentsAbout([...asked.values()].map(({ deviceId, sha256 }) => [subjectOf('device', deviceId), sha256] as const));
  const filed: { readonly sha: string; readonly proof: string; readonly factRowId: string; readonly photo: StampPhoto }[] = [];
  for (const row of facts) {
    if (row.type !== 'fact' || row.kind !== 'attachment') continue;
    const meta = attachmentMetaSchema.safeParse(row.body);
    const photo = meta.success ? asked.get(`${meta.data.about}\u0000${meta.data.sha256}`) : undefined;
    if (photo) filed.push({ sha: photo.sha256, proof: uploadKeyOf(row.id), factRowId: row.id, photo });
  }
  const held = await blobs.heldUnder(filed);
  return new Set(filed.filter((_, i) => held[i]).map(({ photo }) => stampPhotoKey(photo.deviceId, photo.sha256)));
}

/** Whether the photo one stamp of `deviceId` names may be shown with it: `stampPhotosHeld` of that one. */
export async function stampPhotoHeld(sha256: string, deviceId: string, blobs: BlobsRepo, rows: RowsRepo): Promise<boolean> {
  return (await stampPhotosHeld([{ deviceId, sha256 }], blobs, rows)).size > 0;
}
