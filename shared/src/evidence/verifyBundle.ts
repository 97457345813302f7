import { z } from 'zod';
import { jwkThumbprint } from '../crypto/jwkThumbprint';
import { p256PublicJwkSchema, type P256PublicJwk } from '../crypto/p256PublicJwk';
import { verifyRecordSignature } from '../crypto/verifyRecordSignature';
import { decisionTerms } from '../domain/decision';
import { verifyDeviceLog } from '../domain/verifyDeviceLog';
import { canonicalJson } from '../encoding/canonical';
import { bundleAttestationBody, evidenceBundleSchema, type EvidenceBundle } from './bundleSchema';
import { checkGrant } from './grantChecks';
import { CheckList, type EvidenceReport } from './report';
import { verifyRosters } from './rosterChecks';
import { checkStamp } from './stampChecks';

/** The organisation's signatures: over the whole bundle, the seal binding and the time records. */
async function checkOrgSignatures(bundle: EvidenceBundle, orgKey: P256PublicJwk, list: CheckList): Promise<void> {
  const attestation = await verifyRecordSignature(orgKey, bundleAttestationBody(bundle), bundle.attestation.signature);
  if (attestation.ok) list.pass('bundle.attestation', 'bundle', 'the organisation key signed this bundle as it is: not one byte differs');
  else list.fail('bundle.attestation', 'bundle', `the organisation's signature over the bundle does not hold (${attestation.error.code}): something in it was changed after export`);

  const { binding, device, seal, request } = bundle;
  const bound = await verifyRecordSignature(orgKey, binding.record, binding.signature);
  if (!bound.ok) list.fail('binding.signature', `binding v${binding.record.version}`, `${bound.error.code}: ${bound.error.message}`);
  else if (binding.record.deviceId !== device.id || binding.record.sealId !== seal.id || seal.id !== request.sealId) {
    list.fail('binding.signature', `binding v${binding.record.version}`, `binds seal "${binding.record.sealId}" to device "${binding.record.deviceId}"; the request's seal is "${request.sealId}", the device "${device.id}"`);
  } else {
    list.pass('binding.signature', `binding v${binding.record.version}`, `org-signed: seal ${seal.id} locked in device ${device.id}, route ${binding.record.route.sealKind} (${binding.record.route.minApprovals}), custodian ${binding.record.custodianId}, unit ${binding.record.sealUnitPath[0]}`);
  }
  for (const time of bundle.timeRecords) {
    const subject = `time record ${new Date(time.record.at).toISOString()}`;
    const signed = await verifyRecordSignature(orgKey, time.record, time.signature);
    if (!signed.ok) list.fail('time_record.signature', subject, `${signed.error.code}: ${signed.error.message}`);
    else if (time.record.deviceId !== device.id) list.fail('time_record.signature', subject, `for device "${time.record.deviceId}", not "${device.id}"`);
    else list.pass('time_record.signature', subject, 'org-signed, for this device');
  }
}

/** The device log from genesis: every entry signed by the device key, chained, no gap, up to the last stamp. */
async function checkLog(bundle: EvidenceBundle, list: CheckList): Promise<void> {
  const { log, device, stamps } = bundle;
  const verified = await verifyDeviceLog(log, device.publicKeyJwk, { expectedFromSeq: 0, deviceId: device.id });
  const last = log.at(-1)!;
  if (!verified.ok) {
    list.fail('log.chain', `log of ${device.id}`, `${verified.error.problems.length} problem(s): ${verified.error.problems.map((p) => `${p.kind} at ${p.seq ?? '?'}: ${p.message}`).join('; ')}`);
  } else if (verified.value.entries.length !== log.length) {
    list.fail('log.chain', `log of ${device.id}`, `the log holds ${log.length} entries but ${verified.value.entries.length} distinct seqs: entries are repeated`);
  } else {
    list.pass('log.chain', `log of ${device.id}`, `entries 0–${last.seq} from genesis, each signed by the device key and chained to the one before: none removed, none changed`);
  }
  const lastStamp = Math.max(...stamps.map((s) => s.seq));
  if (stamps.length > 0 && last.seq !== lastStamp) list.fail('log.extent', `log of ${device.id}`, `the log ends at entry ${last.seq}, not at the last stamp (${lastStamp})`);
}

/** The records: the request is what its approvers signed; the seal is locked in the device; a request bundle lists all its stamps. */
function checkRecords(bundle: EvidenceBundle, list: CheckList): void {
  const { request, seal, device, grants, log, stamps } = bundle;
  const sealDevice = seal.form === 'physical' ? seal.deviceId : null;
  if (seal.id !== request.sealId || sealDevice !== device.id) {
    list.fail('records.seal', `seal ${seal.id}`, `the request names seal "${request.sealId}"; the seal is locked in ${sealDevice === null ? 'no device' : `"${sealDevice}"`}, the device is "${device.id}"`);
  } else list.pass('records.seal', `seal ${seal.id}`, `"${seal.name}" (${seal.kind}), locked in device ${device.id} (serial ${device.serial})`);
  const signedOther = grants.flatMap((g) => g.decisions).find((d) => canonicalJson({ ...decisionTerms(request), verdict: d.payload.verdict }) !== canonicalJson(d.payload));
  if (signedOther !== undefined) list.fail('records.request', `request ${request.id}`, `decision "${signedOther.id}" signed other terms than the request's (document hash, seal, uses, window, place or requester differ)`);
  else list.pass('records.request', `request ${request.id}`, `"${request.document.title}", document SHA-256 ${request.document.sha256}: the terms its approvers signed`);
  if (bundle.kind === 'request') {
    const listed = new Set(stamps.map((s) => s.seq));
    const missing = log.filter((e) => e.type === 'stamp' && e.payload.requestId === request.id && !listed.has(e.seq)).map((e) => e.seq);
    if (missing.length > 0) list.fail('records.stamps', `request ${request.id}`, `the log holds stamps of the request the bundle does not list: entries ${missing.join(', ')}`);
    else list.pass('records.stamps', `request ${request.id}`, `${stamps.length} stamp(s): every stamp of the request in the log up to entry ${log.at(-1)!.seq}`);
  }
}

/**
 * Verifies an evidence bundle with nothing but the organisation's public key: WebCrypto only, so
 * the app runs it offline and the CLI in a process of its own. Every check is listed (a failure
 * does not stop the others), and the bundle is valid only when all hold; warnings (an approver
 * revoked since, a device clock not set from a signed time) are reported without failing it.
 *
 * @param input - the bundle as parsed JSON (checked against `evidenceBundleSchema` first)
 * @param trustedOrgKey - the organisation's public key, obtained apart from the bundle
 */
export async function verifyBundle(input: unknown, trustedOrgKey: P256PublicJwk): Promise<EvidenceReport> {
  const list = new CheckList();
  const parsed = evidenceBundleSchema.safeParse(input);
  if (!parsed.success) {
    list.fail('bundle.format', 'bundle', `not an evidence bundle:\n${z.prettifyError(parsed.error)}`);
    return { valid: false, kind: null, checks: list.checks };
  }
  const bundle = parsed.data;
  const trusted = p256PublicJwkSchema.safeParse(trustedOrgKey);
  if (!trusted.success) {
    list.fail('org_key.trusted', 'bundle', 'the trusted organisation key is not a P-256 public JWK');
    return { valid: false, kind: bundle.kind, checks: list.checks };
  }
  const [trustedId, bundleId] = await Promise.all([jwkThumbprint(trusted.data), jwkThumbprint(bundle.orgPublicKey)]);
  if (trustedId !== bundleId) list.fail('org_key.trusted', 'bundle', `the bundle names organisation key ${bundleId}; the trusted key is ${trustedId}`);
  else list.pass('org_key.trusted', 'bundle', `the bundle's organisation key is the trusted one (${trustedId})`);
  const orgKey = trusted.data;

  await checkOrgSignatures(bundle, orgKey, list);
  const rosters = await verifyRosters(bundle, orgKey, list);
  await checkLog(bundle, list);
  checkRecords(bundle, list);
  for (const grant of bundle.grants) await checkGrant(grant, bundle, rosters, list);
  if (bundle.stamps.length === 0) list.add('records.stamps', `request ${bundle.request.id}`, bundle.kind === 'request', 'the bundle lists no stamp');
  for (const stamp of bundle.stamps) await checkStamp(stamp, bundle, orgKey, rosters, list);
  return { valid: list.checks.every((c) => c.ok), kind: bundle.kind, checks: list.checks };
}
