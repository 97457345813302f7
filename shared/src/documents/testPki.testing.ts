import { createCaCertificate, createSigningRequest, generateSigningKeyPair, issueSigningCertificate, newSerialNumber, readSigningRequest, type NameParts, type SigningKeyPair } from './certificates';
import type { Signer } from './cms';

const DAY = 86_400_000;

/** A throwaway organisation CA for tests: its certificate (DER) and an issuer of signing certificates. */
export interface TestPki {
  readonly caCertificate: Uint8Array;
  readonly caKeys: SigningKeyPair;
  /** A signer with a fresh non-extractable P-256 key and a certificate from this CA, valid `days` around `at`. */
  signer(subject: Partial<NameParts> & { commonName: string }, options?: { at?: Date; days?: number }): Promise<Signer>;
}

/** Makes a test CA ("Test Org CA"), valid ten years from `at` (now by default). */
export async function makeTestPki(at: Date = new Date(), organization = 'Test Org'): Promise<TestPki> {
  const caKeys = await generateSigningKeyPair({ extractable: false });
  const caCertificate = await createCaCertificate(caKeys, {
    serialNumber: newSerialNumber(), subject: { commonName: `${organization} CA`, organization },
    notBefore: new Date(at.getTime() - DAY), notAfter: new Date(at.getTime() + 3650 * DAY),
  });
  return {
    caCertificate, caKeys,
    async signer(subject, options = {}) {
      const when = options.at ?? at;
      const keys = await generateSigningKeyPair({ extractable: false });
      const name = { organization, ...subject };
      const request = await readSigningRequest(await createSigningRequest(keys, name));
      const certificate = await issueSigningCertificate({ certificate: caCertificate, privateKey: caKeys.privateKey }, request, {
        serialNumber: newSerialNumber(), subject: name,
        notBefore: new Date(when.getTime() - 60_000), notAfter: new Date(when.getTime() + (options.days ?? 7) * DAY),
      });
      return { privateKey: keys.privateKey, certificate, chain: [caCertificate] };
    },
  };
}
