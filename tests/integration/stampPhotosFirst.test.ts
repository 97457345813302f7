/**
 * Reading a seal device's log on a tablet: the stamps' photos are kept before the entries are
 * recorded. The next read starts after the last entry the tablet holds (`heldLogHead`), so an
 * entry recorded before its photo was kept — the app closed or the link dropped mid-read, or the
 * tablet's storage full — would leave that photo unread for good; kept first, a read cut short
 * records nothing, and the next one reads the same entries and photos again (each photo's fact
 * is made at its stamp's time: nothing is recorded twice).
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { localStorageDexie } from '../../app/src/store/fewerReads';
import { describe, expect, it } from 'vitest';
import { deviceEventHash, exportPublicJwk, GENESIS_PREV_HASH, sha256, subjectOf, toHex, type Device, type DeviceEvent, type UnsignedDeviceEvent } from '@seal/shared';
import { captureDeviceLog, heldLogHead } from '../../app/src/device/deviceLog';
import { openLocalStore, type OpenedLocalStore } from '../../app/src/store/localStore';
import { signDeviceEntry } from './fixtures';
import { loadAutomergeInNode } from './harness';

const USER = 'usr_stampphotosfirst01';
const UNIT = 'unit_stampphotosfirst1';
const DEVICE_ID = 'dev-photos-first';
let counter = 0;

/** A device with a signed log: boot, then `stamps` stamps, each naming its photo; and the photos. */
async function deviceWithStamps(stamps: number): Promise<{ device: Device; log: DeviceEvent[]; photos: Map<number, Uint8Array> }> {
  const keys = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
  const device = { id: DEVICE_ID, serial: `SN-${DEVICE_ID}`, publicKeyJwk: await exportPublicJwk(keys.publicKey), unitId: UNIT, state: 'bound', sealId: 'seal-photos-first', provisionedAt: 1_790_000_000_000 } as unknown as Device;
  const log: DeviceEvent[] = [];
  const photos = new Map<number, Uint8Array>();
  let prevHash = GENESIS_PREV_HASH;
  for (let seq = 0; seq <= stamps; seq++) {
    const at = 1_790_000_000_000 + seq * 60_000;
    let unsigned: unknown = { deviceId: DEVICE_ID, seq, prevHash, at, type: 'boot', payload: { firmware: '1.0.0' } };
    if (seq > 0) {
      const photo = new TextEncoder().encode(`P5\n4 4\n255\n${'x'.repeat(16)}stamp ${seq}`);
      photos.set(seq, photo);
      unsigned = { deviceId: DEVICE_ID, seq, prevHash, at, type: 'stamp', payload: { requestId: null, grantId: null, useIndex: null, photoSha256: toHex(await sha256(photo)) } };
    }
    const event = await signDeviceEntry(keys.privateKey, unsigned as UnsignedDeviceEvent);
    log.push(event);
    prevHash = await deviceEventHash(event);
  }
  return { device, log, photos };
}

async function withStore(run: (store: OpenedLocalStore) => Promise<void>): Promise<void> {
  const store = await openLocalStore({ userId: USER, storage: localStorageDexie({ indexedDB, IDBKeyRange }), loadAutomerge: loadAutomergeInNode, databaseName: `stamp-photos-first-${process.pid}-${++counter}` });
  try {
    await run(store);
  } finally {
    await store.close();
  }
}

/** The photos the store holds as attachments about the device, by the sha256 they name. */
async function photosHeld(store: OpenedLocalStore): Promise<string[]> {
  const facts = await store.db.rows.find({ selector: { kind: 'attachment', subject: subjectOf('device', DEVICE_ID) } }).exec();
  return facts.map((doc) => (doc.toJSON() as unknown as { body: { sha256: string } }).body.sha256).sort();
}

describe('reading a device log cut short', () => {
  for (const [why, failure] of [
    ['the link to the device dropped while its photos were read', 'link'],
    ['the tablet could not keep a photo (its storage full)', 'storage'],
  ] as const) {
    it(`reads every photo again on the next read when ${why}`, async () => {
      const { device, log, photos } = await deviceWithStamps(3);
      const expected = await Promise.all([...photos.values()].map(async (bytes) => toHex(await sha256(bytes))));
      await withStore(async (store) => {
        const keep = store.attachments.add.bind(store.attachments);
        if (failure === 'storage') {
          let kept = 0;
          store.attachments.add = (input, unit) => (++kept === 2 ? Promise.reject(new Error('QuotaExceededError')) : keep(input, unit));
        }
        const first = captureDeviceLog(store, {
          device, entries: log, held: null,
          photoOf: (seq) => (failure === 'link' && seq === 2 ? Promise.reject(new Error('GATT server disconnected')) : Promise.resolve(photos.get(seq) ?? null)),
        });
        await expect(first).rejects.toThrow();
        store.attachments.add = keep;

        // The next read, as the app makes it: from the entry after the last one held.
        const held = await heldLogHead(store, DEVICE_ID);
        const entries = log.filter((entry) => held === null || entry.seq > held.seq);
        const again = await captureDeviceLog(store, { device, entries, held, photoOf: (seq) => Promise.resolve(photos.get(seq) ?? null) });
        expect(again.problems).toEqual([]);
        expect(await photosHeld(store)).toEqual(expected.sort());
        expect((await heldLogHead(store, DEVICE_ID))?.seq).toBe(3);
        // Each photo is queued to go up once, and each entry waits to go up once.
        expect((await store.book.queuedBlobs()).map((blob) => blob.sha).sort()).toEqual(expected.sort());
        expect(new Set(await store.book.outboxInOrder()).size).toBe(log.length + photos.size);
      });
    });
  }
});
