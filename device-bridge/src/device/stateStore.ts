import type { z } from 'zod';
import type { StoragePort } from './ports';

/** Stored state that does not read back as what was written (corrupt flash, a foreign file). */
export class StorageCorruptError extends Error {
  override readonly name = 'StorageCorruptError';
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a JSON value stored under `key` and checks it against `schema`. `undefined` when the key
 * is absent; throws {@link StorageCorruptError} when it does not parse (a broken invariant: the
 * device refuses to start on corrupt state rather than guess).
 */
export async function readJson<S extends z.ZodType>(storage: StoragePort, key: string, schema: S): Promise<z.output<S> | undefined> {
  const bytes = await storage.get(key);
  if (bytes === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(bytes));
  } catch (error) {
    throw new StorageCorruptError(`stored "${key}" is not JSON`, { cause: error });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new StorageCorruptError(`stored "${key}" is not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Writes a JSON value under `key` (UTF-8 JSON text: readable on the simulator's disk). */
export function writeJson(storage: StoragePort, key: string, value: unknown): Promise<void> {
  return storage.put(key, encoder.encode(JSON.stringify(value)));
}
