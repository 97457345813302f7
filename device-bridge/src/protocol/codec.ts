import { fromBase64Url, fromHex, toBase64Url, toHex } from '@seal/shared';
import type { z } from 'zod';

/**
 * Two-way codecs between the values the code works with and the CBOR items on the wire. Each
 * message is declared once (see `messages.ts`), and both the device and the tablet use the
 * declaration: what is sent is exactly what is checked. `decode` throws {@link WireError} with
 * the path of the offending field; the caller turns it into a `bad_message` reply.
 */
export interface Codec<T> {
  encode(value: T): unknown;
  decode(wire: unknown, path: string): T;
}

/** A wire value that does not fit its declaration. */
export class WireError extends Error {
  override readonly name = 'WireError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
  }
}

const describe = (wire: unknown): string => (wire instanceof Uint8Array ? `${wire.length} bytes` : wire instanceof Map ? 'a map' : Array.isArray(wire) ? 'an array' : typeof wire);

/** An unsigned integer up to `max`. Sent as a CBOR integer (uint64 above 2^32). */
export const uint = (max = Number.MAX_SAFE_INTEGER): Codec<number> => ({
  encode: (n) => (n >= 2 ** 32 ? BigInt(n) : n),
  decode(wire, path) {
    const n = typeof wire === 'bigint' && wire <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(wire) : wire;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || n > max) throw new WireError(path, `expected an integer 0–${max}, got ${describe(n)} ${typeof n === 'number' ? n : ''}`);
    return n;
  },
});

/** A finite number (float64 on the wire unless it is an integer). */
export const float = (): Codec<number> => ({
  encode: (n) => n,
  decode(wire, path) {
    if (typeof wire !== 'number' || !Number.isFinite(wire)) throw new WireError(path, `expected a finite number, got ${describe(wire)}`);
    return wire;
  },
});

export const bool = (): Codec<boolean> => ({
  encode: (b) => b,
  decode(wire, path) {
    if (typeof wire !== 'boolean') throw new WireError(path, `expected a boolean, got ${describe(wire)}`);
    return wire;
  },
});

/** A UTF-8 text string of at most `max` characters. */
export const text = (max: number): Codec<string> => ({
  encode: (s) => s,
  decode(wire, path) {
    if (typeof wire !== 'string' || wire.length > max) throw new WireError(path, `expected text of at most ${max} characters, got ${describe(wire)}`);
    return wire;
  },
});

/** A byte string of exactly `length` bytes, or of `min`–`max` bytes. */
export const bytes = (size: number | { readonly min?: number; readonly max: number }): Codec<Uint8Array> => {
  const [min, max] = typeof size === 'number' ? [size, size] : [size.min ?? 0, size.max];
  return {
    encode: (b) => b,
    decode(wire, path) {
      if (!(wire instanceof Uint8Array) || wire.length < min || wire.length > max) throw new WireError(path, `expected ${min === max ? min : `${min}–${max}`} bytes, got ${describe(wire)}`);
      return new Uint8Array(wire);
    },
  };
};

/** Bytes carried as base64url text in records (assertion fields, signatures), raw on the wire. */
export const base64UrlBytes = (size: number | { readonly min?: number; readonly max: number }): Codec<string> => {
  const inner = bytes(size);
  return { encode: (s) => fromBase64Url(s), decode: (wire, path) => toBase64Url(inner.decode(wire, path)) };
};

/** A SHA-256 digest carried as lowercase hex in records, 32 raw bytes on the wire. */
export const hexDigest = (): Codec<string> => {
  const inner = bytes(32);
  return { encode: (s) => fromHex(s), decode: (wire, path) => toHex(inner.decode(wire, path)) };
};

/** An id that is raw bytes on the wire when it is a 64-hex content address, text otherwise. */
export const compactId = (max: number): Codec<string> => ({
  encode: (s) => (/^[0-9a-f]{64}$/.test(s) ? fromHex(s) : s),
  decode(wire, path) {
    if (wire instanceof Uint8Array && wire.length === 32) return toHex(wire);
    return text(max).decode(wire, path);
  },
});

/** A codec whose decoded value must also pass a zod schema (ids, brands, refinements). */
export const checked = <T, S extends z.ZodType>(inner: Codec<T>, schema: S): Codec<z.output<S>> => ({
  encode: (value) => inner.encode(value as T),
  decode(wire, path) {
    const parsed = schema.safeParse(inner.decode(wire, path));
    if (!parsed.success) throw new WireError(path, parsed.error.issues.map((i) => i.message).join('; '));
    return parsed.data;
  },
});

/** A value or null. */
export const nullable = <T>(inner: Codec<T>): Codec<T | null> => ({
  encode: (value) => (value === null ? null : inner.encode(value)),
  decode: (wire, path) => (wire === null ? null : inner.decode(wire, path)),
});

/** An array of at most `max` items. */
export const list = <T>(item: Codec<T>, max: number): Codec<T[]> => ({
  encode: (values) => values.map((v) => item.encode(v)),
  decode(wire, path) {
    if (!Array.isArray(wire) || wire.length > max) throw new WireError(path, `expected an array of at most ${max} items, got ${describe(wire)}`);
    return wire.map((w, i) => item.decode(w, `${path}[${i}]`));
  },
});

type CodecOf<T> = T extends Codec<infer V> ? V : never;

/** A fixed-length array whose positions hold different things. */
export const tuple = <const C extends readonly Codec<unknown>[]>(...items: C): Codec<{ -readonly [K in keyof C]: CodecOf<C[K]> }> => ({
  encode: (values) => items.map((c, i) => c.encode(values[i])),
  decode(wire, path) {
    if (!Array.isArray(wire) || wire.length !== items.length) throw new WireError(path, `expected an array of ${items.length} items, got ${describe(wire)}`);
    return items.map((c, i) => c.decode(wire[i], `${path}[${i}]`)) as { -readonly [K in keyof C]: CodecOf<C[K]> };
  },
});

/**
 * An object sent as a {@link tuple}: each named member at its position, the names staying in
 * code and off the wire (a window travels as `[notBefore, notAfter]`).
 */
export const namedTuple = <const F extends readonly (readonly [string, Codec<unknown>])[]>(
  ...fields: F
): Codec<{ [E in F[number] as E[0]]: CodecOf<E[1]> }> => {
  type Named = { [E in F[number] as E[0]]: CodecOf<E[1]> };
  return mapped(
    tuple(...fields.map(([, codec]) => codec)),
    (values) => Object.fromEntries(fields.map(([name], i) => [name, values[i]])) as Named,
    (value) => fields.map(([name]) => (value as Record<string, unknown>)[name]),
  );
};

/** One member of a {@link struct}: its integer key, its codec, and whether it may be absent. */
export interface Field<T, O extends boolean = boolean> {
  readonly key: number;
  readonly codec: Codec<T>;
  readonly optional: O;
}
export const req = <T>(key: number, codec: Codec<T>): Field<T, false> => ({ key, codec, optional: false });
export const opt = <T>(key: number, codec: Codec<T>): Field<T, true> => ({ key, codec, optional: true });

type Fields = Record<string, Field<unknown>>;
type Required_<F extends Fields> = { [K in keyof F as F[K] extends Field<unknown, false> ? K : never]: F[K] extends Field<infer T, false> ? T : never };
type Optional_<F extends Fields> = { [K in keyof F as F[K] extends Field<unknown, true> ? K : never]?: F[K] extends Field<infer T, true> ? T : never };
/** The value a struct of these fields decodes to. */
export type StructOf<F extends Fields> = Required_<F> & Optional_<F>;

/**
 * A CBOR map with small integer keys. Unknown keys are ignored (a newer sender may add fields
 * within a protocol version); a missing required key is an error; an absent optional member is
 * not sent at all.
 */
export const struct = <F extends Fields>(fields: F): Codec<StructOf<F>> => ({
  encode(value) {
    const map = new Map<number, unknown>();
    for (const [name, field] of Object.entries(fields)) {
      const member = (value as Record<string, unknown>)[name];
      if (member !== undefined) map.set(field.key, field.codec.encode(member));
    }
    return map;
  },
  decode(wire, path) {
    if (!(wire instanceof Map)) throw new WireError(path, `expected a map, got ${describe(wire)}`);
    const out: Record<string, unknown> = {};
    for (const [name, field] of Object.entries(fields)) {
      const member: unknown = wire.get(field.key);
      if (member === undefined) {
        if (!field.optional) throw new WireError(`${path}.${name}`, `missing (key ${field.key})`);
        continue;
      }
      out[name] = field.codec.decode(member, `${path}.${name}`);
    }
    return out as StructOf<F>;
  },
});

/**
 * Plain JSON carried as CBOR (maps with text keys, arrays, text, numbers, booleans, null): for
 * records that are signed as canonical JSON (the roster, log entry payloads), so the receiver
 * rebuilds exactly the object that was signed. Depth-limited.
 */
export const json = (maxDepth = 16): Codec<unknown> => ({
  encode: function encode(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(encode);
    if (typeof value === 'object' && value !== null) return new Map(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, encode(v)]));
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 2 ** 32 ? BigInt(value) : value;
  },
  decode(wire, path) {
    const walk = (value: unknown, at: string, depth: number): unknown => {
      if (depth > maxDepth) throw new WireError(at, `nested deeper than ${maxDepth}`);
      if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
      if (typeof value === 'number') {
        if (!Number.isFinite(value)) throw new WireError(at, 'expected a finite number');
        return value;
      }
      if (Array.isArray(value)) return value.map((v, i) => walk(v, `${at}[${i}]`, depth + 1));
      if (value instanceof Map) {
        const entries: [string, unknown][] = [];
        for (const [k, v] of value) {
          if (typeof k !== 'string') throw new WireError(at, 'expected text map keys');
          entries.push([k, walk(v, `${at}.${k}`, depth + 1)]);
        }
        return Object.fromEntries(entries);
      }
      throw new WireError(at, `expected a JSON value, got ${describe(value)}`);
    };
    return walk(wire, path, 0);
  },
});

/** A codec seen through a change of representation (e.g. a tuple on the wire, an object in code). */
export const mapped = <W, T>(inner: Codec<W>, fromWire: (wire: W) => T, toWire: (value: T) => W): Codec<T> => ({
  encode: (value) => inner.encode(toWire(value)),
  decode: (wire, path) => fromWire(inner.decode(wire, path)),
});
