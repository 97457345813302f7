import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import { arrayBufferOf, parseDer } from './der';

/** A signing key pair (WebCrypto's CryptoKeyPair, spelled out: not every lib the packages compile with declares it). */
export interface SigningKeyPair {
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
}

/** The only key type documents are signed with: ECDSA on P-256, SHA-256 (WebCrypto everywhere). */
export const SIGNING_KEY_ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256' } as const;

const OID = {
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
} as const;

const DOCUMENT_SIGNING = '1.3.6.1.5.5.7.3.36';
const EMAIL_PROTECTION = '1.3.6.1.5.5.7.3.4';

/**
 * The key purpose (extended key usage) the organisation CA writes into its countersigning
 * certificates and never into a seal holder's (ADR 008): a signature is the organisation's
 * countersignature only when its certificate carries it, whatever its field is called. An OID under
 * 2.25 (ITU-T X.667: a UUID as an integer), so no registry needed to be asked for an arc.
 */
export const COUNTERSIGNATURE_PURPOSE = '2.25.17845025006374906641913353813238979302';

/** Attributes of a distinguished name, in the order written. */
export interface NameParts {
  readonly commonName: string;
  readonly organization: string;
  readonly organizationalUnit?: string;
  /** The X.520 serialNumber attribute: here the id of the seal a signing certificate is for. */
  readonly serialNumber?: string;
}

/** A name with one attribute per RDN (O, OU, serialNumber, CN), as certificates usually spell it. */
function nameOf(parts: NameParts): pkijs.RelativeDistinguishedNames {
  const rdns: [string, asn1js.BaseStringBlock][] = [[OID.organization, new asn1js.Utf8String({ value: parts.organization })]];
  if (parts.organizationalUnit !== undefined) rdns.push([OID.organizationalUnit, new asn1js.Utf8String({ value: parts.organizationalUnit })]);
  if (parts.serialNumber !== undefined) rdns.push([OID.serialNumber, new asn1js.PrintableString({ value: parts.serialNumber })]);
  rdns.push([OID.commonName, new asn1js.Utf8String({ value: parts.commonName })]);
  const der = new asn1js.Sequence({
    value: rdns.map(([type, value]) => new asn1js.Set({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: type }), value] })] })),
  }).toBER(false);
  // Parsed back, the object keeps these bytes (pkijs would otherwise write every attribute into one RDN).
  return new pkijs.RelativeDistinguishedNames({ schema: asn1js.fromBER(der).result });
}

/** The value of one attribute of a name (first occurrence), or undefined. */
export function nameAttribute(name: pkijs.RelativeDistinguishedNames, attribute: keyof typeof OID): string | undefined {
  const found = name.typesAndValues.find((tv) => tv.type === OID[attribute]);
  return found === undefined ? undefined : String((found.value as asn1js.BaseStringBlock).valueBlock.value);
}

/** 16 random bytes with the top bit clear: a positive serial number (RFC 5280 §4.1.2.2). */
export function newSerialNumber(): Uint8Array {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[0] = (bytes[0]! & 0x7f) | 0x01;
  return bytes;
}

/** UTCTime until 2049, GeneralizedTime after (RFC 5280 §4.1.2.5). */
const timeOf = (date: Date): pkijs.Time => new pkijs.Time({ type: date.getUTCFullYear() < 2050 ? 0 : 1, value: date });

function keyUsage(bits: number, unusedBits: number): pkijs.Extension {
  const value = new asn1js.BitString({ valueHex: new Uint8Array([bits]).buffer, unusedBits });
  return new pkijs.Extension({ extnID: OID.keyUsage, critical: true, extnValue: value.toBER(false) });
}

function basicConstraints(ca: boolean): pkijs.Extension {
  const value = new pkijs.BasicConstraints(ca ? { cA: true, pathLenConstraint: 0 } : {});
  return new pkijs.Extension({ extnID: OID.basicConstraints, critical: true, extnValue: value.toSchema().toBER(false) });
}

/** RFC 5280 §4.2.1.2 method 1: SHA-1 of the subjectPublicKey bits (an identifier, not a security hash). */
async function keyIdentifier(spki: pkijs.PublicKeyInfo): Promise<ArrayBuffer> {
  return crypto.subtle.digest('SHA-1', arrayBufferOf(spki.subjectPublicKey.valueBlock.valueHexView));
}

/** What a certificate needs besides its keys; the issuer's key signs it. */
interface CertificateTerms {
  readonly serialNumber: Uint8Array;
  readonly subject: NameParts;
  readonly notBefore: Date;
  readonly notAfter: Date;
  /** Extended key usages (OIDs) to write; none for a seal holder's certificate. */
  readonly purposes?: readonly string[];
}

async function buildCertificate(
  terms: CertificateTerms, subjectKey: pkijs.PublicKeyInfo, issuer: { name: pkijs.RelativeDistinguishedNames; key: pkijs.PublicKeyInfo; privateKey: CryptoKey }, ca: boolean,
): Promise<Uint8Array> {
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = new asn1js.Integer({ valueHex: arrayBufferOf(terms.serialNumber) });
  cert.subject = nameOf(terms.subject);
  cert.issuer = issuer.name;
  cert.notBefore = timeOf(terms.notBefore);
  cert.notAfter = timeOf(terms.notAfter);
  cert.subjectPublicKeyInfo = subjectKey;
  const subjectKeyId = new asn1js.OctetString({ valueHex: await keyIdentifier(subjectKey) });
  const authority = new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: await keyIdentifier(issuer.key) }) });
  cert.extensions = [
    basicConstraints(ca),
    ca ? keyUsage(0x06, 1) : keyUsage(0xc0, 6), // CA: keyCertSign + cRLSign; holder: digitalSignature + nonRepudiation
    new pkijs.Extension({ extnID: OID.subjectKeyIdentifier, extnValue: subjectKeyId.toBER(false) }),
    new pkijs.Extension({ extnID: OID.authorityKeyIdentifier, extnValue: authority.toSchema().toBER(false) }),
  ];
  if (terms.purposes !== undefined && terms.purposes.length > 0) {
    // With the extension present, verifiers accept a document signature only for a purpose they
    // know (NSS, and so pdfsig: email protection; Adobe: document signing, RFC 9336): both go first.
    const usage = new pkijs.ExtKeyUsage({ keyPurposes: [DOCUMENT_SIGNING, EMAIL_PROTECTION, ...terms.purposes] });
    cert.extensions.push(new pkijs.Extension({ extnID: OID.extKeyUsage, extnValue: usage.toSchema().toBER(false) }));
  }
  await cert.sign(issuer.privateKey, 'SHA-256');
  return new Uint8Array(cert.toSchema(true).toBER(false));
}

/** A P-256 key pair for signing. On a tablet pass `extractable: false`: the private key never leaves WebCrypto. */
export async function generateSigningKeyPair(options: { extractable: boolean }): Promise<SigningKeyPair> {
  const { privateKey, publicKey } = await crypto.subtle.generateKey(SIGNING_KEY_ALGORITHM, options.extractable, ['sign', 'verify']);
  return { privateKey, publicKey };
}

async function publicKeyInfoOf(publicKey: CryptoKey): Promise<pkijs.PublicKeyInfo> {
  const spki = new Uint8Array(await crypto.subtle.exportKey('spki', publicKey));
  return pkijs.PublicKeyInfo.fromBER(arrayBufferOf(spki));
}

/** The organisation's self-signed root (CA) certificate, DER. */
export async function createCaCertificate(keys: SigningKeyPair, terms: CertificateTerms): Promise<Uint8Array> {
  const key = await publicKeyInfoOf(keys.publicKey);
  return buildCertificate(terms, key, { name: nameOf(terms.subject), key, privateKey: keys.privateKey }, true);
}

/** A PKCS#10 request for a signing certificate, signed by the key it names (proof of possession), DER. */
export async function createSigningRequest(keys: SigningKeyPair, subject: NameParts): Promise<Uint8Array> {
  const request = new pkijs.CertificationRequest();
  request.version = 0;
  request.subject = nameOf(subject);
  request.subjectPublicKeyInfo = await publicKeyInfoOf(keys.publicKey);
  await request.sign(keys.privateKey, 'SHA-256');
  return new Uint8Array(request.toSchema().toBER(false));
}

/** A PKCS#10 request checked: DER, P-256 key, signature by that key. Throws a plain error otherwise. */
export async function readSigningRequest(der: Uint8Array): Promise<pkijs.CertificationRequest> {
  const request = new pkijs.CertificationRequest({ schema: parseDer(der, 'the signing request') });
  const algorithm = request.subjectPublicKeyInfo.algorithm;
  const curve = algorithm.algorithmParams instanceof asn1js.ObjectIdentifier ? algorithm.algorithmParams.valueBlock.toString() : '';
  if (algorithm.algorithmId !== '1.2.840.10045.2.1' || curve !== '1.2.840.10045.3.1.7') throw new Error('the signing request does not name an ECDSA P-256 key');
  if (!(await request.verify())) throw new Error('the signing request is not signed by the key it names');
  return request;
}

/** The organisation CA as an issuer: its certificate and private key. */
export interface Issuer {
  readonly certificate: Uint8Array;
  readonly privateKey: CryptoKey;
}

/** A signing certificate for the key of a checked request, issued by the CA, DER. */
export async function issueSigningCertificate(issuer: Issuer, request: pkijs.CertificationRequest, terms: CertificateTerms): Promise<Uint8Array> {
  const ca = readCertificate(issuer.certificate);
  return buildCertificate(terms, request.subjectPublicKeyInfo, { name: ca.subject, key: ca.subjectPublicKeyInfo, privateKey: issuer.privateKey }, false);
}

/** A DER certificate parsed (throws a plain error when it is not one). */
export function readCertificate(der: Uint8Array): pkijs.Certificate {
  return new pkijs.Certificate({ schema: parseDer(der, 'the certificate') });
}

/**
 * Whether a certificate names `purpose` (an OID) among its extended key usages. Compared as DER:
 * asn1js spells an arc past 2^53 (as under 2.25) in a form of its own when it reads one back.
 */
export function carriesPurpose(cert: pkijs.Certificate, purpose: string): boolean {
  const extension = cert.extensions?.find((e) => e.extnID === OID.extKeyUsage);
  if (extension === undefined) return false;
  const wanted = hexOfBer(new asn1js.ObjectIdentifier({ value: purpose }));
  try {
    const usages = parseDer(extension.extnValue.valueBlock.valueHexView, 'the extended key usage');
    return usages instanceof asn1js.Sequence && usages.valueBlock.value.some((usage) => usage instanceof asn1js.ObjectIdentifier && hexOfBer(usage) === wanted);
  } catch {
    return false;
  }
}

const hexOfBer = (value: asn1js.BaseBlock): string => Array.from(new Uint8Array(value.toBER(false)), (b) => b.toString(16).padStart(2, '0')).join('');

/** Hex of a certificate's serial number (lower case, as issued). */
export const serialHexOf = (cert: pkijs.Certificate): string =>
  Array.from(cert.serialNumber.valueBlock.valueHexView, (b) => b.toString(16).padStart(2, '0')).join('');
