import { createHash } from 'node:crypto';
import type { DocumentScope } from 'nano';
import {
  changeRowPrefix, deviceSchema, fromBase64Url, factRowId, grantSchema, sealRecordSchema, stampPhotoKey, useRequestSchema,
  type AnomalyHistory, type DeviceId, type Grant, type HistoryDevice, type HistoryPhoto, type HistorySeal, type RecordKind, type SyncRow, type UseRequest,
} from '@seal/shared';
import type { Store } from '../../couch/store';
import { DEVICE_LOG_VIEW } from '../../couch/syncDatabases';
import { ApiError } from '../../http/errors';
import { blobsRepo } from '../../sync/blobsRepo';
import { mergeChangeRows } from '../../sync/recordStates';
import { rowsRepo } from '../../sync/rowsRepo';
import { stampPhotosHeld } from '../../sync/stampPhotos';

/** The most device log entries one scan or sample reads (beyond it: narrow the unit). */
export const MAX_HISTORY_ENTRIES = 300_000;
const PAGE = 2_000;

type Row = SyncRow & { readonly _id: string };

/** Every row whose id starts with `prefix`, page by page (an `_all_docs` key range). */
async function rowsWithPrefix(db: DocumentScope<SyncRow>, prefix: string): Promise<SyncRow[]> {
  const found: SyncRow[] = [];
  let startkey = prefix;
  for (;;) {
    const page = await db.list({ include_docs: true, startkey, endkey: `${prefix}\ufff0`, limit: PAGE + 1 });
    const rows = page.rows.filter((r) => r.doc).map((r) => r.doc as Row);
    found.push(...rows.slice(0, PAGE));
    if (rows.length <= PAGE) return found;
    startkey = rows[PAGE]!._id;
  }
}

/** The merged records of one kind, by id (a record's change rows share `change:kind:id:`). */
async function records(db: DocumentScope<SyncRow>, kind: RecordKind): Promise<Map<string, Record<string, unknown>>> {
  const byRecord = new Map<string, SyncRow[]>();
  const prefix = `change:${kind}:`;
  for (const row of await rowsWithPrefix(db, prefix)) {
    const id = row.id.slice(prefix.length, row.id.indexOf(':', prefix.length));
    byRecord.set(id, [...(byRecord.get(id) ?? []), row]);
  }
  const merged = new Map<string, Record<string, unknown>>();
  for (const [id, rows] of byRecord) {
    const json = mergeChangeRows(rows).json;
    if (json) merged.set(id, json);
  }
  return merged;
}

async function deviceLog(db: DocumentScope<SyncRow>, deviceId: string, budget: number): Promise<HistoryDevice['entries']> {
  const entries: { event: unknown }[] = [];
  let startkey: unknown = [deviceId];
  let skip = 0;
  for (;;) {
    const page = await db.view('rows', DEVICE_LOG_VIEW, { startkey, endkey: [deviceId, {}], include_docs: true, limit: PAGE, skip });
    for (const row of page.rows) if (row.doc && row.doc.type === 'fact') entries.push({ event: row.doc.body });
    if (entries.length > budget) throw new ApiError(422, 'scope_too_large', `More than ${MAX_HISTORY_ENTRIES} device log entries in this scope: choose a smaller unit`);
    if (page.rows.length < PAGE) return entries;
    startkey = page.rows.at(-1)!.key;
    skip = 1;
  }
}

async function requestsById(db: DocumentScope<SyncRow>, ids: readonly string[]): Promise<UseRequest[]> {
  const found: UseRequest[] = [];
  for (let i = 0; i < ids.length; i += 16) {
    const batch = await Promise.all(ids.slice(i, i + 16).map(async (id) => {
      const prefix = changeRowPrefix('request', id);
      const page = await db.list({ include_docs: true, startkey: prefix, endkey: `${prefix}\ufff0` });
      return useRequestSchema.safeParse(mergeChangeRows(page.rows.filter((r) => r.doc).map((r) => r.doc as SyncRow)).json);
    }));
    for (const parsed of batch) if (parsed.success) found.push(parsed.data);
  }
  return found;
}

/** A photo a stamp names: the device whose log names it and its hash. */
interface NamedPhoto {
  readonly deviceId: DeviceId;
  readonly sha256: string;
}

/** The ids a device log names (grants, requests, photos by device), for loading only what the scope refers to. */
function referencesOf(devices: readonly HistoryDevice[]): { grants: Set<string>; requests: Set<string>; photos: Map<string, NamedPhoto> } {
  const refs = { grants: new Set<string>(), requests: new Set<string>(), photos: new Map<string, NamedPhoto>() };
  for (const device of devices) {
    for (const { event } of device.entries) {
      const payload = (event as { payload?: Record<string, unknown> }).payload ?? {};
      if (typeof payload.grantId === 'string') refs.grants.add(payload.grantId);
      if (typeof payload.requestId === 'string') refs.requests.add(payload.requestId);
      if (typeof payload.photoSha256 === 'string') refs.photos.set(stampPhotoKey(device.id, payload.photoSha256), { deviceId: device.id, sha256: payload.photoSha256 });
    }
  }
  return refs;
}

interface BlobDoc { readonly type: string; readonly chunks?: number; readonly data?: string }

/** The SHA-256 of the bytes held under each of `shas`, read back chunk by chunk (`chunk-missing` when one is gone). */
async function contentHashes(store: Store, shas: readonly string[]): Promise<Map<string, string>> {
  const blobs = store.couch.use<BlobDoc>(store.dbName('blobs'));
  const hashes = new Map<string, string>();
  for (let i = 0; i < shas.length; i += PAGE) {
    for (const row of (await blobs.fetch({ keys: shas.slice(i, i + PAGE).map((sha) => `blob:${sha}`) })).rows) {
      if (!('doc' in row) || row.doc?.type !== 'blob') continue;
      const sha256 = row.key.slice(5);
      const keys = Array.from({ length: row.doc.chunks ?? 0 }, (_, n) => `chunk:${sha256}:${String(n).padStart(6, '0')}`);
      const parts = keys.length === 0 ? [] : (await blobs.fetch({ keys })).rows.map((chunk) => ('doc' in chunk && chunk.doc?.type === 'chunk' ? chunk.doc.data : undefined));
      const hash = createHash('sha256');
      for (const part of parts) if (part !== undefined) hash.update(fromBase64Url(part));
      hashes.set(sha256, parts.includes(undefined) ? 'chunk-missing' : hash.digest('hex'));
    }
  }
  return hashes;
}

/**
 * The photos held among those the stamps name, each for the device whose stamp names it: held as
 * `/verify` and evidence bundles hold it (`stampPhotosHeld`: bytes delivered by an upload under an
 * attachment fact about that device), looked up for every stamp at once. A hash held for another
 * device or another unit's file is not held here. The server keeps bytes only once they hashed to
 * their name, so the content hash is the name — unless `rehash`, which reads the chunks back and
 * hashes them (finds storage corrupted since; costs every photo's bytes).
 */
async function heldPhotos(store: Store, named: readonly NamedPhoto[], rehash: boolean): Promise<HistoryPhoto[]> {
  const held = await stampPhotosHeld(named, blobsRepo(store.couch.use(store.dbName('blobs'))), rowsRepo(store.couch.use(store.dbName('rows'))));
  const photos = named.filter((p) => held.has(stampPhotoKey(p.deviceId, p.sha256)));
  const contents = rehash ? await contentHashes(store, [...new Set(photos.map((p) => p.sha256))]) : undefined;
  return photos.map(({ deviceId, sha256 }) => ({ deviceId, sha256, contentSha256: contents ? contents.get(sha256) ?? 'chunk-missing' : sha256 }));
}

/**
 * Loads what detection reads for the devices of a scope (`keepDevice`, by default those in `inScope`): the device and seal records (merged
 * from their change rows), each device's log through the `device_log` view, then only the grants,
 * requests and photos those logs name (by id). Cost is linear in the scope's entries, bounded by
 * `MAX_HISTORY_ENTRIES` (422 `scope_too_large` beyond). A photo counts as held for the device
 * whose stamp names it only as `/verify` would show it (`heldPhotos`).
 */
export async function loadHistory(
  store: Store,
  inScope: (unitId: string) => boolean,
  keepDevice: (device: { readonly unitId: string; readonly sealId: string | null }) => boolean = (device) => inScope(device.unitId),
  rehashPhotos = false,
): Promise<{ history: AnomalyHistory; entries: number }> {
  const db = store.couch.use<SyncRow>(store.dbName('rows'));
  const devices: HistoryDevice[] = [];
  let entries = 0;
  for (const json of (await records(db, 'device')).values()) {
    const parsed = deviceSchema.safeParse(json);
    if (!parsed.success || !keepDevice(parsed.data)) continue;
    const log = await deviceLog(db, parsed.data.id, MAX_HISTORY_ENTRIES - entries);
    entries += log.length;
    const { id, unitId, state, sealId, publicKeyJwk } = parsed.data;
    devices.push({ id, unitId, state, sealId, publicKeyJwk, entries: log });
  }
  const deviceIds = new Set<string>(devices.map((d) => d.id));
  const seals: HistorySeal[] = [];
  for (const json of (await records(db, 'seal')).values()) {
    const parsed = sealRecordSchema.safeParse(json);
    if (!parsed.success) continue;
    const deviceId = parsed.data.form === 'physical' ? parsed.data.deviceId : null;
    if (inScope(parsed.data.unitId) || (deviceId !== null && deviceIds.has(deviceId))) seals.push({ id: parsed.data.id, unitId: parsed.data.unitId, deviceId });
  }
  const refs = referencesOf(devices);
  const grants: Grant[] = [];
  const grantKeys = [...refs.grants].sort().map((id) => factRowId('grant', id));
  for (let i = 0; i < grantKeys.length; i += PAGE) {
    for (const row of (await db.fetch({ keys: grantKeys.slice(i, i + PAGE) })).rows) {
      const parsed = 'doc' in row && row.doc && row.doc.type === 'fact' ? grantSchema.safeParse(row.doc.body) : undefined;
      if (parsed?.success) grants.push(parsed.data);
    }
  }
  for (const g of grants) refs.requests.add(g.requestId);
  const requests = await requestsById(db, [...refs.requests].sort());
  const photos = await heldPhotos(store, [...refs.photos.values()], rehashPhotos);
  const decisions = grants.flatMap((g) => g.decisions);
  return { history: { devices, seals, requests, decisions, grants, photos }, entries };
}
