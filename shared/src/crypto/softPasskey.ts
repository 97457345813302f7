/**
 * A software ES256 passkey for tests and simulators (the device CLI's demo people) — never for
 * real users: its private key sits in memory. Not exported from the package. WebCrypto only,
 * so it runs in Node, the browser and the device simulator alike. It plays authenticator AND
 * browser: `authenticatorData = SHA-256(rpId) ‖ flags (UP|UV) ‖ counter (u32 BE)`,
 * `clientDataJSON = {type:'webauthn.get', challenge: base64url(challenge), origin, crossOrigin:false}`,
 * and a DER ES256 signature over `authenticatorData ‖ SHA-256(clientDataJSON)` — exactly what a
 * platform authenticator returns, so `verifyAssertion` cannot tell the difference.
 *
 * (sync-server/src/testing/softAuthenticator.ts is the Node twin that also registers passkeys
 * through @simplewebauthn; it cannot be imported from here.)
 */
import { toBase64Url } from '../encoding/base64url';
import { hashRecord, sha256 } from '../encoding/canonical';
import { exportPublicJwk } from './exportPublicJwk';
import type { P256PublicJwk } from './p256PublicJwk';
import { rawToDerSignature } from './rawToDerSignature';
import type { RosterCredential } from './roster';
import type { AssertionFields } from './verifyAssertion';

const UP = 0x01;
const UV = 0x04;

/** Ways to make an assertion wrong on purpose. */
export interface AssertionTweaks {
  readonly origin?: string;
  readonly rpId?: string;
  /** Clear the UV flag. */
  readonly userVerified?: boolean;
  readonly type?: string;
}

/** One software passkey: its id (base64url), key pair and counter. */
export class SoftPasskey {
  private counter = 0;

  private constructor(
    readonly id: string,
    readonly publicKeyJwk: P256PublicJwk,
    private readonly privateKey: CryptoKey,
    readonly origin: string,
    readonly rpId: string,
  ) {}

  /** A new passkey scoped to `rpId`, used from pages at `origin`. */
  static async create(origin: string, rpId: string): Promise<SoftPasskey> {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const id = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
    return new SoftPasskey(id, await exportPublicJwk(pair.publicKey), pair.privateKey, origin, rpId);
  }

  /** The roster entry for this passkey. */
  rosterCredential(addedAt = 0): RosterCredential {
    return { id: this.id, publicKeyJwk: this.publicKeyJwk, addedAt };
  }

  /** An assertion over raw challenge bytes. */
  async assertChallenge(challenge: Uint8Array, tweaks: AssertionTweaks = {}): Promise<AssertionFields> {
    this.counter += 1;
    const flags = UP | (tweaks.userVerified === false ? 0 : UV);
    const authData = new Uint8Array(37);
    authData.set(await sha256(new TextEncoder().encode(tweaks.rpId ?? this.rpId)), 0);
    authData[32] = flags;
    new DataView(authData.buffer).setUint32(33, this.counter, false);
    const clientData = { type: tweaks.type ?? 'webauthn.get', challenge: toBase64Url(challenge), origin: tweaks.origin ?? this.origin, crossOrigin: false };
    const clientDataJSON = new TextEncoder().encode(JSON.stringify(clientData));
    const signed = new Uint8Array(37 + 32);
    signed.set(authData, 0);
    signed.set(await sha256(clientDataJSON), 37);
    const raw = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, this.privateKey, signed));
    return {
      credentialId: this.id,
      authenticatorData: toBase64Url(authData),
      clientDataJSON: toBase64Url(clientDataJSON),
      signature: toBase64Url(rawToDerSignature(raw)),
    };
  }

  /** An assertion bound to a record: the challenge is `hashRecord(record)`. */
  async assertRecord(record: unknown, tweaks: AssertionTweaks = {}): Promise<AssertionFields> {
    return this.assertChallenge(await hashRecord(record), tweaks);
  }
}
