import { Decoder } from 'cbor-x';
import { err, ok, type Refusal, type Result } from '../result';

/** The fields of an assertion's authenticator data (WebAuthn §6.1). */
export interface AuthenticatorData {
  /** SHA-256 of the RP ID the authenticator scoped the credential to. */
  readonly rpIdHash: Uint8Array;
  readonly flags: {
    /** UP: a person touched / was present. */
    readonly userPresent: boolean;
    /** UV: the authenticator verified the person (PIN, biometric). */
    readonly userVerified: boolean;
    /** BE: the credential may be synced (a multi-device passkey). */
    readonly backupEligible: boolean;
    /** BS: the credential is currently backed up. */
    readonly backedUp: boolean;
    readonly extensionData: boolean;
  };
  /** The signature counter; 0 when the authenticator keeps none (typical of synced passkeys). */
  readonly signCount: number;
}

const UP = 0x01, UV = 0x04, BE = 0x08, BS = 0x10, AT = 0x40, ED = 0x80;
const decoder = new Decoder({ mapsAsObjects: false, useRecords: false });

const malformed = (why: string): Result<never, Refusal<'malformed_authenticator_data'>> =>
  err({ code: 'malformed_authenticator_data', message: `Malformed authenticator data: ${why}` });

/**
 * Parses the authenticator data of an assertion: rpIdHash (32) ‖ flags (1) ‖ signCount (4,
 * big-endian) ‖ extensions (CBOR map, only when ED is set). Strict: refuses attested credential
 * data (AT belongs to registrations), BS without BE, and any byte not accounted for.
 */
export function parseAuthenticatorData(bytes: Uint8Array): Result<AuthenticatorData, Refusal<'malformed_authenticator_data'>> {
  if (bytes.length < 37) return malformed(`expected at least 37 bytes, got ${bytes.length}`);
  const flags = bytes[32]!;
  if (flags & AT) return malformed('attested credential data (AT flag) in an assertion');
  if (flags & BS && !(flags & BE)) return malformed('backup state (BS) set without backup eligibility (BE)');
  if (flags & ED) {
    const rest = bytes.subarray(37);
    let extensions: unknown;
    try {
      extensions = decoder.decode(rest);
    } catch (error) {
      if (error instanceof Error) return malformed(`extensions are not one CBOR item: ${error.message}`);
      throw error;
    }
    if (!(extensions instanceof Map)) return malformed('extensions (ED flag) are not a CBOR map');
  } else if (bytes.length !== 37) {
    return malformed(`${bytes.length - 37} trailing bytes without the ED flag`);
  }
  return ok({
    rpIdHash: bytes.slice(0, 32),
    flags: {
      userPresent: (flags & UP) !== 0,
      userVerified: (flags & UV) !== 0,
      backupEligible: (flags & BE) !== 0,
      backedUp: (flags & BS) !== 0,
      extensionData: (flags & ED) !== 0,
    },
    signCount: new DataView(bytes.buffer, bytes.byteOffset + 33, 4).getUint32(0, false),
  });
}
