import * as Automerge from '@automerge/automerge';
import {
  changeRowId, contentId, factRowId, subjectOf, toBase64Url,
  type AnomalyHistory, type RecordKind, type SyncRow, type UserId,
} from '@seal/shared';
import { rowsRepo } from '../sync/rowsRepo';
import { uploadKeyOf } from '../sync/settleUpload';
import type { TestServer } from './testServer';

/** The change rows that create a record (one Automerge change), as a replica would push them. */
function recordRows(kind: RecordKind, id: string, scopeUnitId: string, record: object, createdAt: number): SyncRow[] {
  const doc = Automerge.from(JSON.parse(JSON.stringify(record)) as Record<string, unknown>);
  return Automerge.getAllChanges(doc).map((bytes) => ({
    id: changeRowId(kind, id, Automerge.decodeChange(bytes).hash), type: 'change', kind, subject: subjectOf(kind, id),
    scopeUnitId: scopeUnitId as never, author: 'test-replica' as UserId, createdAt, bytes: toBase64Url(bytes),
  }));
}

/**
 * Writes a generated history into a test server's store as replication would have left it (rows
 * carrying the server's MAC, complete photo blobs): device, seal and request records, grants (and decisions, with `decisions`), every
 * device log entry (the first body of a seq only, as the store keeps it), and each photo's bytes
 * (a corrupt photo's bytes under its name, as storage corrupted after upload would hold them),
 * filed about the device whose stamp names it, with the proof that its upload delivered them. Test-only: in production
 * nothing reaches the store except through the server's validated push.
 */
export async function storeHistory(server: Pick<TestServer, 'store'>, history: AnomalyHistory, photoBytes: ReadonlyMap<string, Uint8Array>, options: { readonly decisions?: boolean } = {}): Promise<void> {
  const rows: SyncRow[] = [];
  const at = 1_700_000_000_000;
  for (const d of history.devices) {
    rows.push(...recordRows('device', d.id, d.unitId, { id: d.id, serial: `SN-${d.id}`, publicKeyJwk: d.publicKeyJwk, unitId: d.unitId, state: d.state, sealId: d.sealId, provisionedAt: at }, at));
    const seqs = new Set<number>();
    for (const { event } of d.entries) {
      const seq = (event as { seq: number }).seq;
      if (seqs.has(seq)) continue;
      seqs.add(seq);
      rows.push({ id: factRowId('device_event', `${d.id}:${seq}`), type: 'fact', kind: 'device_event', subject: subjectOf('device', d.id), scopeUnitId: d.unitId, author: 'test-replica' as UserId, createdAt: at, body: event as Record<string, unknown> });
    }
  }
  for (const s of history.seals) {
    rows.push(...recordRows('seal', s.id, s.unitId, { id: s.id, name: `seal ${s.id}`, kind: 'contract', form: 'physical', unitId: s.unitId, custodianId: 'custodian', createdAt: at, antiCounterfeitCode: '3301020012345', deviceId: s.deviceId }, at));
  }
  for (const r of history.requests) rows.push(...recordRows('request', r.id, r.unitId, r, r.createdAt));
  for (const g of history.grants) {
    rows.push({ id: factRowId('grant', g.id), type: 'fact', kind: 'grant', subject: subjectOf('request', g.requestId), scopeUnitId: history.requests.find((r) => r.id === g.requestId)!.unitId, author: 'test-replica' as UserId, createdAt: at, body: g as unknown as Record<string, unknown> });
  }
  // The approvals too, when asked (the dashboard's approval latency reads them; detection reads the grants' copies).
  for (const d of options.decisions ? history.decisions : []) {
    const unitId = history.requests.find((r) => r.id === d.payload.requestId)!.unitId;
    rows.push({ id: factRowId('decision', d.id), type: 'fact', kind: 'decision', subject: subjectOf('request', d.payload.requestId), scopeUnitId: unitId, author: 'test-replica' as UserId, createdAt: d.at, body: d as unknown as Record<string, unknown> });
  }
  // Each photo filed as a tablet files it: an attachment fact about its device, whose upload delivered the bytes (its proof below).
  const proofs: object[] = [];
  for (const photo of history.photos) {
    const bytes = photoBytes.get(photo.sha256);
    const device = history.devices.find((d) => d.id === photo.deviceId);
    if (!bytes || !device) continue;
    const meta = { sha256: photo.sha256, about: subjectOf('device', device.id), mime: 'image/jpeg', size: bytes.length, at };
    const attachmentId = await contentId(meta);
    const id = factRowId('attachment', attachmentId);
    rows.push({ id, type: 'fact', kind: 'attachment', subject: meta.about, scopeUnitId: device.unitId, author: 'test-replica' as UserId, createdAt: at, body: { id: attachmentId, ...meta } });
    proofs.push({ _id: `proof:${photo.sha256}:${uploadKeyOf(id)}`, type: 'proof', sha256: photo.sha256, upload: uploadKeyOf(id), factRowId: id });
  }
  const repo = rowsRepo(server.store.couch.use(server.store.dbName('rows')));
  for (let i = 0; i < rows.length; i += 200) await repo.createMany(rows.slice(i, i + 200));
  // Each photo's bytes in one chunk, then its blob marker and proofs, as a settled upload leaves them.
  const blobs = server.store.couch.use<object>(server.store.dbName('blobs'));
  const docs = [...[...photoBytes].flatMap(([sha256, bytes]) => [
    { _id: `chunk:${sha256}:000000`, type: 'chunk', sha256, index: 0, data: toBase64Url(bytes) },
    { _id: `blob:${sha256}`, type: 'blob', sha256, size: bytes.length, chunks: 1 },
  ]), ...proofs];
  for (let i = 0; i < docs.length; i += 200) await blobs.bulk({ docs: docs.slice(i, i + 200) });
}
