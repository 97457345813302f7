import { createHash, randomBytes, type webcrypto } from 'node:crypto';
import { Encoder } from 'cbor-x';
import type { AuthenticationResponseJSON, PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from '@simplewebauthn/server';
import { hashRecord, rawToDerSignature, toBase64Url, type AssertionFields } from '@seal/shared';

/**
 * A software WebAuthn authenticator for tests in Node: ES256 (WebCrypto P-256) passkeys,
 * attestation "none", discoverable credentials, and assertions signed exactly as a platform
 * authenticator signs them (`authenticatorData ‖ SHA-256(clientDataJSON)`, DER signature).
 * It also plays the browser (it writes clientDataJSON), so tests can lie about the origin, the
 * challenge, the flags or the counter and see the server refuse.
 */

const cbor = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false });
const UP = 0x01, UV = 0x04, AT = 0x40;

/** One passkey held by the authenticator. */
export interface SoftCredential {
  readonly id: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: webcrypto.JsonWebKey;
  readonly rpId: string;
  /** base64url user handle, what a discoverable assertion returns. */
  readonly userHandle: string;
  signCount: number;
}

/** Ways to make a ceremony go wrong on purpose. */
export interface CeremonyTweaks {
  /** The page origin the "browser" reports (default: the authenticator's origin). */
  readonly origin?: string;
  /** Sign over this challenge instead of the one in the options. */
  readonly challenge?: string;
  /** Clear the UV flag (a passkey used without PIN / biometric). */
  readonly userVerified?: boolean;
  /** Report this sign counter instead of the next one. */
  readonly signCount?: number;
  /** The rpId the authenticator scopes to (default: the authenticator's). */
  readonly rpId?: string;
}

const sha256 = (bytes: Uint8Array | string): Uint8Array => new Uint8Array(createHash('sha256').update(bytes).digest());
const b64u = (bytes: Uint8Array): string => toBase64Url(bytes);
const u32 = (n: number): Uint8Array => new Uint8Array([(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255]);
const concat = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => new Uint8Array(Buffer.concat(parts));

export class SoftAuthenticator {
  readonly credentials = new Map<string, SoftCredential>();

  /**
   * @param origin - the origin the "browser" runs at (`http://localhost:8080`)
   * @param rpId - the RP ID passkeys are scoped to (`localhost`)
   * @param counting - whether the authenticator keeps a sign counter (synced passkeys send 0)
   */
  constructor(readonly origin: string, readonly rpId: string, readonly counting = true) {}

  /** `navigator.credentials.create` with the server's options: a new ES256 passkey. */
  async register(options: PublicKeyCredentialCreationOptionsJSON, tweaks: CeremonyTweaks = {}): Promise<RegistrationResponseJSON> {
    const rpId = tweaks.rpId ?? options.rp.id ?? this.rpId;
    const { privateKey, publicKey } = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    const publicJwk = await crypto.subtle.exportKey('jwk', publicKey);
    const idBytes = new Uint8Array(randomBytes(16));
    const id = b64u(idBytes);
    const signCount = tweaks.signCount ?? 0;
    this.credentials.set(id, { id, privateKey, publicJwk, rpId, userHandle: options.user.id, signCount });
    const coseKey = cbor.encode(new Map<number, unknown>([
      [1, 2], [3, -7], [-1, 1],
      [-2, new Uint8Array(Buffer.from(publicJwk.x!, 'base64url'))],
      [-3, new Uint8Array(Buffer.from(publicJwk.y!, 'base64url'))],
    ]));
    const flags = UP | AT | (tweaks.userVerified === false ? 0 : UV);
    const idLength = new Uint8Array([idBytes.length >> 8, idBytes.length & 255]);
    const authData = concat(sha256(rpId), new Uint8Array([flags]), u32(signCount), new Uint8Array(16), idLength, idBytes, coseKey);
    const attestationObject = cbor.encode(new Map<string, unknown>([['fmt', 'none'], ['attStmt', new Map()], ['authData', authData]]));
    const clientDataJSON = JSON.stringify({ type: 'webauthn.create', challenge: tweaks.challenge ?? options.challenge, origin: tweaks.origin ?? this.origin, crossOrigin: false });
    return {
      id, rawId: id, type: 'public-key', authenticatorAttachment: 'platform', clientExtensionResults: {},
      response: { clientDataJSON: b64u(new TextEncoder().encode(clientDataJSON)), attestationObject: b64u(attestationObject), transports: ['internal'] },
    };
  }

  /**
   * `navigator.credentials.get` with a challenge (base64url): the assertion of one passkey
   * (the only one, or `credentialId`), counter advanced when the authenticator counts.
   */
  async assert(challenge: string, credentialId?: string, tweaks: CeremonyTweaks = {}): Promise<AuthenticationResponseJSON> {
    const credential = credentialId ? this.credentials.get(credentialId) : [...this.credentials.values()].at(-1);
    if (!credential) throw new Error(`the soft authenticator holds no passkey ${credentialId ?? ''}`);
    if (this.counting) credential.signCount += 1;
    const signCount = tweaks.signCount ?? (this.counting ? credential.signCount : 0);
    const flags = UP | (tweaks.userVerified === false ? 0 : UV);
    const authData = concat(sha256(tweaks.rpId ?? credential.rpId), new Uint8Array([flags]), u32(signCount));
    const clientDataJSON = new TextEncoder().encode(JSON.stringify({ type: 'webauthn.get', challenge: tweaks.challenge ?? challenge, origin: tweaks.origin ?? this.origin, crossOrigin: false }));
    const raw = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, credential.privateKey, concat(authData, sha256(clientDataJSON))));
    return {
      id: credential.id, rawId: credential.id, type: 'public-key', authenticatorAttachment: 'platform', clientExtensionResults: {},
      response: { clientDataJSON: b64u(clientDataJSON), authenticatorData: b64u(authData), signature: b64u(rawToDerSignature(raw)), userHandle: credential.userHandle },
    };
  }

  /** An assertion over a record (its `hashRecord` is the challenge), in the domain's `AssertionFields` shape. */
  async signRecord(record: unknown, credentialId?: string, tweaks: CeremonyTweaks = {}): Promise<AssertionFields> {
    return toAssertionFields(await this.assert(b64u(await hashRecord(record)), credentialId, tweaks));
  }
}

/** The fields the offline verifier reads, from a `PublicKeyCredential.toJSON()` assertion. */
function toAssertionFields(response: AuthenticationResponseJSON): AssertionFields {
  return {
    credentialId: response.rawId,
    authenticatorData: response.response.authenticatorData,
    clientDataJSON: response.response.clientDataJSON,
    signature: response.response.signature,
    ...(response.response.userHandle ? { userHandle: response.response.userHandle } : {}),
  };
}
