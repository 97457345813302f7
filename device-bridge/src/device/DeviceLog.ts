import {
  canonicalBytes,
  deviceEventHash,
  deviceEventSchema,
  GENESIS_PREV_HASH,
  sha256HexSchema,
  toBase64Url,
  type DeviceEvent,
  type DeviceEventOf,
  type DeviceEventType,
  type DeviceId,
  type UnsignedDeviceEvent,
} from '@seal/shared';
import { z } from 'zod';
import type { LogHead } from '../protocol/fields';
import type { DeviceKey, StoragePort } from './ports';
import { readJson, StorageCorruptError, writeJson } from './stateStore';

const headSchema = z.object({ seq: z.int().nonnegative(), hash: sha256HexSchema });
const entryKey = (seq: number) => `log/${seq}`;

/**
 * The device's log: an append-only hash chain of signed entries in non-volatile storage. Each
 * entry links to the previous one by `prevHash` (`deviceEventHash`, signature included) and is
 * signed by the device key over `deviceEventSigningBody` — the shared format the server checks
 * with `verifyDeviceLog`.
 *
 * Crash safety: the entry is written before the head pointer; on open, entries found past the
 * stored head are taken in (they were durable, only the pointer was not).
 */
export class DeviceLog {
  private constructor(
    private readonly storage: StoragePort,
    private readonly key: DeviceKey,
    private current: LogHead | null,
  ) {}

  static async open(storage: StoragePort, key: DeviceKey): Promise<DeviceLog> {
    let head: LogHead | null = (await readJson(storage, 'log/head', headSchema)) ?? null;
    for (let next = head === null ? 0 : head.seq + 1; ; next++) {
      const entry = await readJson(storage, entryKey(next), deviceEventSchema);
      if (entry === undefined) break;
      head = { seq: next, hash: await deviceEventHash(entry) };
    }
    return new DeviceLog(storage, key, head);
  }

  /** The last entry's seq and hash, or `null` for an empty log. */
  get head(): LogHead | null {
    return this.current;
  }

  /** Appends one signed entry and returns it. Callers serialise appends (the device runs one thing at a time). */
  async append<T extends DeviceEventType>(deviceId: DeviceId, at: number, type: T, payload: DeviceEventOf<T>['payload']): Promise<DeviceEventOf<T>> {
    const seq = this.current === null ? 0 : this.current.seq + 1;
    const body = { deviceId, seq, prevHash: this.current?.hash ?? GENESIS_PREV_HASH, at, type, payload } as UnsignedDeviceEvent;
    const signature = toBase64Url(await this.key.sign(canonicalBytes(body)));
    const entry = { ...body, signature } as DeviceEventOf<T>;
    await writeJson(this.storage, entryKey(seq), entry);
    const head = { seq, hash: await deviceEventHash(entry) };
    await writeJson(this.storage, 'log/head', head);
    this.current = head;
    return entry;
  }

  /** Entries from `fromSeq`, at most `max` of them. */
  async read(fromSeq: number, max: number): Promise<DeviceEvent[]> {
    const entries: DeviceEvent[] = [];
    const last = this.current?.seq ?? -1;
    for (let seq = fromSeq; seq <= last && entries.length < max; seq++) {
      const entry = await readJson(this.storage, entryKey(seq), deviceEventSchema);
      if (entry === undefined) throw new StorageCorruptError(`log entry ${seq} is missing below the head ${last}`);
      entries.push(entry);
    }
    return entries;
  }
}
