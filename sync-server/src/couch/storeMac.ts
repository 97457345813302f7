import { createHmac, createSecretKey, randomBytes, timingSafeEqual } from 'node:crypto';
import { CanonicalEncodingError, canonicalJsonPieces } from '@seal/shared';
import { readOrCreateSecretFile } from './secretFile';

/** The field of a stored document that carries its MAC (CouchDB reserves names starting with `_`). */
export const MAC_FIELD = 'storeMac';

/** Bytes of a generated MAC key (HMAC-SHA256). */
const KEY_BYTES = 32;

/**
 * Tells the server's own documents from anyone else's. Everything the server writes to the store
 * carries an HMAC-SHA256, under a key only the server holds, over the canonical form of the
 * document bound to its database and id; a document whose MAC does not verify was not written by
 * this server (a forgery by someone who reached the store, a copy moved to another id or
 * database, or a document from before MACs) and is read as absent.
 */
export interface StoreMac {
  /** The document to write: `doc` with its MAC (fields starting with `_` are not covered: CouchDB's). */
  mark<T extends object>(database: string, id: string, doc: T): T & { readonly [MAC_FIELD]: string };
  /** `doc` (as parsed from the store's JSON) without its MAC if the MAC verifies for this database and id; `undefined` otherwise. */
  verify<T extends object>(database: string, id: string, doc: T): T | undefined;
}

/**
 * What the MAC covers: the logical database, the id, and the document's own fields as canonical
 * JSON — in pieces (`canonicalJsonPieces`: a chunk's text is hashed as it is, not copied into the
 * whole first; the same bytes). `parsed`: the document was just parsed from the store's JSON
 * text, so it holds JSON values only.
 */
function macInput(database: string, id: string, doc: object, parsed: boolean): string[] {
  const body: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (!key.startsWith('_') && key !== MAC_FIELD) body[key] = value;
  }
  // What is stored is the JSON text of a document to write, so `undefined` fields vanish on both
  // sides: one that is not plain JSON goes through JSON first. One read back from the store is that
  // text already parsed, and most to write are plain JSON already (a chunk's 128 KiB need no copy).
  try {
    return canonicalJsonPieces({ database, id, body });
  } catch (error) {
    if (parsed || !(error instanceof CanonicalEncodingError)) throw error;
    return canonicalJsonPieces({ database, id, body: JSON.parse(JSON.stringify(body)) as unknown });
  }
}

/** A `StoreMac` under `key` (at least 32 bytes). */
export function storeMac(key: Uint8Array): StoreMac {
  if (key.length < KEY_BYTES) throw new Error(`the store MAC key must be at least ${KEY_BYTES} bytes, got ${key.length}`);
  // One key object for every MAC: made from the raw bytes, it was made again for each document.
  const secret = createSecretKey(key);
  const macOf = (database: string, id: string, doc: object, parsed: boolean): Buffer => {
    const hmac = createHmac('sha256', secret);
    for (const piece of macInput(database, id, doc, parsed)) hmac.update(piece, 'utf8');
    return hmac.digest();
  };
  return {
    mark(database, id, doc) {
      return { ...doc, [MAC_FIELD]: macOf(database, id, doc, false).toString('base64url') };
    },
    verify(database, id, doc) {
      const { [MAC_FIELD]: claimed, ...rest } = doc as Record<string, unknown>;
      if (typeof claimed !== 'string') return undefined;
      const given = Buffer.from(claimed, 'base64url');
      let expected: Buffer;
      try {
        expected = macOf(database, id, rest, true);
      } catch {
        // A body that has no canonical form (a non-finite number stored by someone else) is not ours.
        return undefined;
      }
      return given.length === expected.length && timingSafeEqual(given, expected) ? (rest as typeof doc) : undefined;
    },
  };
}

/**
 * Loads the store MAC key from `path` (base64url), generating 32 random bytes there on first
 * start (mode 0600). Several servers sharing one CouchDB must share this file (STORE_MAC_KEY_PATH).
 */
export async function loadOrCreateStoreMac(path: string, log?: (line: string) => void): Promise<StoreMac> {
  const text = await readOrCreateSecretFile(path, 'the store MAC key', () => `${randomBytes(KEY_BYTES).toString('base64url')}\n`, log);
  const key = Buffer.from(text.trim(), 'base64url');
  if (key.length < KEY_BYTES) throw new Error(`${path} does not hold a store MAC key (expected ${KEY_BYTES} bytes in base64url, got ${key.length})`);
  return storeMac(key);
}
