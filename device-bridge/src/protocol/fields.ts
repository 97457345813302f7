import {
  fromBase64Url,
  geofenceSchema,
  p256PublicJwkSchema,
  positionSchema,
  toBase64Url,
  type AssertionFields,
  type Geofence,
  type P256PublicJwk,
  type Position,
  type TimeWindow,
} from '@seal/shared';
import type { z } from 'zod';
import { base64UrlBytes, bytes, checked, float, hexDigest, mapped, namedTuple, opt, req, struct, text, uint, type Codec } from './codec';

/**
 * Field codecs several messages share: ids, keys, windows, places, assertions, log heads.
 */

/** An id of our records (1–128 characters), checked by its shared schema (brand included). */
export const idField = <S extends z.ZodType<string>>(schema: S): Codec<z.output<S>> => checked(text(128), schema);

/** A P-256 public key: 64 raw bytes `x ‖ y` on the wire, a `{kty,crv,x,y}` JWK in code. */
export const p256Key = (): Codec<P256PublicJwk> =>
  mapped(
    bytes(64),
    (raw) => p256PublicJwkSchema.parse({ kty: 'EC', crv: 'P-256', x: toBase64Url(raw.subarray(0, 32)), y: toBase64Url(raw.subarray(32)) }),
    (jwk) => {
      const raw = new Uint8Array(64);
      raw.set(fromBase64Url(jwk.x), 0);
      raw.set(fromBase64Url(jwk.y), 32);
      return raw;
    },
  );

/** A time window as `[notBefore, notAfter]` (ms). */
export const windowField = (): Codec<TimeWindow> => namedTuple(['notBefore', uint()], ['notAfter', uint()]);

/** A geofence as `[lat, lon, radiusM]`. */
export const geofenceField = (): Codec<Geofence> =>
  checked(namedTuple(['lat', float()], ['lon', float()], ['radiusM', float()]), geofenceSchema);

/** A position: `{0: lat, 1: lon, 2?: accuracy (m)}`. */
export const positionField = (): Codec<Position> =>
  checked(
    mapped(
      struct({ lat: req(0, float()), lon: req(1, float()), accuracyM: opt(2, float()) }),
      (p) => p,
      (p) => p,
    ),
    positionSchema,
  );

/** The head of a log: `[seq, hash (32 bytes)]`. */
export interface LogHead {
  readonly seq: number;
  readonly hash: string;
}
export const logHeadField = (): Codec<LogHead> => namedTuple(['seq', uint()], ['hash', hexDigest()]);

/**
 * A WebAuthn assertion as `[credentialId, authenticatorData, clientDataJSON, signature (DER)]`,
 * all raw bytes. The user handle is not sent: the device finds the user by credential.
 */
export const assertionField = (): Codec<AssertionFields> =>
  namedTuple(
    ['credentialId', base64UrlBytes({ min: 1, max: 1023 })],
    ['authenticatorData', base64UrlBytes({ min: 37, max: 1024 })],
    ['clientDataJSON', base64UrlBytes({ min: 2, max: 1024 })],
    ['signature', base64UrlBytes({ min: 8, max: 80 })],
  );

/** A nonce: 16 random bytes. */
export const NONCE_BYTES = 16;
export const nonceField = (): Codec<Uint8Array> => bytes(NONCE_BYTES);
