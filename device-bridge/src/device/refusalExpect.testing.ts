import { expect } from 'vitest';
import { SealDeviceError } from '../client/SealDeviceError';
import type { SealWorld } from './sealWorld.testing';

/**
 * Asserts a call was refused with `code`, that the refusal surfaced with the seq of its log entry,
 * and that the entry is a `refusal` with the same code (test-only).
 */
export async function expectRefused(world: SealWorld, call: Promise<unknown>, code: string): Promise<SealDeviceError> {
  const error = await call.then(
    () => {
      throw new Error(`expected a refusal "${code}", the call succeeded`);
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SealDeviceError);
  const refusal = error as SealDeviceError;
  expect({ code: refusal.code, message: refusal.message }).toMatchObject({ code });
  expect(refusal.seq).toBeTypeOf('number');
  const [entry] = (await world.client.readLog(refusal.seq!, 1)).entries;
  expect(entry).toMatchObject({ type: 'refusal', payload: { code } });
  return refusal;
}
