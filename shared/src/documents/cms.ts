import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { readCertificate } from './certificates';
import { sha256 } from './der';

const OID = {
  data: '1.2.840.113549.1.7.1',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
} as const;

/** Who signs: a private key (WebCrypto, may be non-extractable), its certificate and the chain above it (DER). */
export interface Signer {
  readonly privateKey: CryptoKey;
  readonly certificate: Uint8Array;
  /** Issuer certificates up to the organisation's root, carried in the CMS so a verifier can build the path. */
  readonly chain: readonly Uint8Array[];
}

/**
 * ESS signing-certificate-v2 (RFC 5035): binds the signature to the signer's certificate by its
 * SHA-256 and issuer/serial, so the certificate cannot be swapped for another with the same key.
 * `hashAlgorithm` is left out: SHA-256 is its default (DER omits defaults).
 */
async function signingCertificateV2(cert: pkijs.Certificate, der: Uint8Array): Promise<pkijs.Attribute> {
  const issuerSerial = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({ value: [new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber: 4 }, value: [cert.issuer.toSchema()] })] }),
      cert.serialNumber,
    ],
  });
  const essCertIdV2 = new asn1js.Sequence({ value: [new asn1js.OctetString({ valueHex: (await sha256(der)).slice().buffer }), issuerSerial] });
  const value = new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [essCertIdV2] })] });
  return new pkijs.Attribute({ type: OID.signingCertificateV2, values: [value] });
}

/**
 * A detached CMS SignedData (DER) over content whose SHA-256 is `contentDigest`: ECDSA P-256 with
 * SHA-256, signed attributes content-type, message-digest and signing-certificate-v2 — the CAdES
 * attributes PAdES baseline B-B asks for. No signing-time attribute: PAdES puts the claimed time
 * in the signature dictionary's /M instead (ETSI EN 319 142-1 §5.3).
 */
export async function buildDetachedSignedData(contentDigest: Uint8Array, signer: Signer): Promise<Uint8Array> {
  const cert = readCertificate(signer.certificate);
  const signedAttrs = new pkijs.SignedAndUnsignedAttributes({
    type: 0,
    attributes: [
      new pkijs.Attribute({ type: OID.contentType, values: [new asn1js.ObjectIdentifier({ value: OID.data })] }),
      new pkijs.Attribute({ type: OID.messageDigest, values: [new asn1js.OctetString({ valueHex: contentDigest.slice().buffer })] }),
      await signingCertificateV2(cert, signer.certificate),
    ],
  });
  const signedData = new pkijs.SignedData({
    version: 1,
    encapContentInfo: new pkijs.EncapsulatedContentInfo({ eContentType: OID.data }),
    signerInfos: [new pkijs.SignerInfo({
      version: 1,
      sid: new pkijs.IssuerAndSerialNumber({ issuer: cert.issuer, serialNumber: cert.serialNumber }),
      signedAttrs,
    })],
    certificates: [cert, ...signer.chain.map(readCertificate)],
  });
  await signedData.sign(signer.privateKey, 0, 'SHA-256');
  const contentInfo = new pkijs.ContentInfo({ contentType: OID.signedData, content: signedData.toSchema(true) });
  return new Uint8Array(contentInfo.toSchema().toBER(false));
}

/** The SignedData inside a CMS ContentInfo (throws a plain error otherwise). */
export function readSignedData(der: Uint8Array): pkijs.SignedData {
  const parsed = asn1js.fromBER(der.slice().buffer);
  if (parsed.offset === -1) throw new Error('the signature is not DER');
  const info = new pkijs.ContentInfo({ schema: parsed.result });
  if (info.contentType !== OID.signedData) throw new Error('the signature is not a CMS SignedData');
  return new pkijs.SignedData({ schema: info.content });
}

/** The signer's certificate hash named by signing-certificate-v2, if the attribute is there. */
export function signingCertificateHash(signedData: pkijs.SignedData): Uint8Array | undefined {
  const attr = signedData.signerInfos[0]?.signedAttrs?.attributes.find((a) => a.type === OID.signingCertificateV2);
  const certs = (attr?.values[0] as asn1js.Sequence | undefined)?.valueBlock.value[0] as asn1js.Sequence | undefined;
  const first = certs?.valueBlock.value[0] as asn1js.Sequence | undefined;
  const hash = first?.valueBlock.value[0];
  return hash instanceof asn1js.OctetString ? new Uint8Array(hash.valueBlock.valueHexView) : undefined;
}
