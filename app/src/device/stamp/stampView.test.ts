/** What the stamping screen keeps of the photos a device withheld: per link, until read or gone. */
import type { DeviceInfo } from '@seal/device-bridge';
import type { DeviceEvent } from '@seal/shared';
import { createRoot } from 'solid-js';
import { describe, expect, it } from 'vitest';
import { createStampView } from './stampView';

const stamp = (deviceId: string, seq: number) => ({ deviceId, seq, type: 'stamp', at: seq, prevHash: '0'.repeat(64), signature: 'x', payload: { requestId: null, grantId: null, useIndex: null, photoSha256: 'ab'.repeat(32) } }) as unknown as DeviceEvent;
const info = (deviceId: string) => ({ deviceId, logHead: { seq: 10 } }) as unknown as DeviceInfo;

describe('photos a device withheld, on the stamping screen', () => {
  it('are pending until read or gone from the device, and a new link starts with none of the last one\'s', () => {
    createRoot((dispose) => {
      const view = createStampView();
      view.begin(info('dev-a'));
      view.awaitPhotos([stamp('dev-a', 2), stamp('dev-a', 3), stamp('dev-a', 4)]);
      expect([...view.withheld().keys()]).toEqual([2, 3, 4]);
      // Stamp 2's photo read, stamp 3's no longer on the device: only 4 is still asked for.
      view.photosRead(new Map([[2, new Uint8Array([1])]]), new Set([3]));
      expect([...view.withheld().keys()]).toEqual([4]);
      // Another device on the same screen: device A's stamps are not its to give.
      view.begin(info('dev-b'));
      expect(view.withheld().size).toBe(0);
      dispose();
    });
  });
});
