import { Decoder, Encoder } from 'cbor-x';
import { protocolCborProblem } from './cborDefinite';

/**
 * CBOR (RFC 8949) as the protocol uses it: definite lengths, no tags, integer map keys for
 * protocol structures, byte strings untagged, integers as CBOR integers (uint64 for times),
 * non-integers as float64. Maps decode as `Map` (never plain objects, so no key can touch a
 * prototype). cbor-x's decoder acts on the tags it knows (value sharing, records, typed arrays…)
 * and offers no option to turn them off, so `decodeCbor` never hands it a tag: the walk of
 * `cborDefinite.ts` refuses them first.
 */
const encoder = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false, variableMapSize: true, pack: false });
// `int64AsNumber` is a decoder option cbor-x supports but does not declare in its types.
const decoder = new Decoder({ useRecords: false, mapsAsObjects: false, int64AsNumber: true } as ConstructorParameters<typeof Decoder>[0]);

/** Encodes a wire value (from the codecs) to CBOR bytes. */
export function encodeCbor(value: unknown): Uint8Array {
  const bytes = encoder.encode(value);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice();
}

/** Why bytes are not one CBOR item. */
export class CborError extends Error {
  override readonly name = 'CborError';
}

/**
 * Decodes exactly one CBOR item; throws {@link CborError} on anything else (garbage, truncation,
 * trailing bytes, nesting deep enough to exhaust the stack) and on indefinite lengths, a stray
 * break byte or a tag, which the protocol does not allow (`cborDefinite.ts`).
 */
export function decodeCbor(bytes: Uint8Array): unknown {
  const problem = protocolCborProblem(bytes);
  if (problem !== null) throw new CborError(`not one CBOR item as the protocol spells it: ${problem}`);
  try {
    return decoder.decode(bytes);
  } catch (error) {
    if (error instanceof Error) throw new CborError(`not one CBOR item: ${error.message}`, { cause: error });
    throw error;
  }
}
