/**
 * The evidence bundle verifier on real material: a reference seal device, provisioned and bound by
 * an organisation key, its clock set by a signed time record, unlocked with a grant approved by a
 * software passkey over the request's terms, stamping a page. The bundle is assembled from what
 * the device logged and photographed; each test changes one thing and expects the check that
 * names it to fail (also when the changed bundle is signed again by the organisation: the
 * independent signatures catch what an exporter holding the org key could change).
 */
import { describe, expect, it } from 'vitest';
import {
  asId, attestBundle, contentId, decisionIdSchema, decisionPayload, fromBase64Url, signSealBinding, toBase64Url, unitIdSchema, userIdSchema,
  verifyBundle, type Decision, type Device, type EvidenceBundle, type EvidenceReport, type Roster, type UseRequest,
} from '@seal/shared';
import type { SoftPasskey } from '@seal/shared/testing';
import { createSealWorld, DEVICE_ID, grantFor, holderConfirms, HOUR, SEAL, T0, timeRecord, worldRoster, type SealWorld } from '@seal/device-bridge/testing';

const MINUTE = 60_000;

async function decisionAt(request: UseRequest, approverId: string, passkey: SoftPasskey, at: number): Promise<Decision> {
  const payload = decisionPayload(request, 'approve');
  const body = { approverId: asId(userIdSchema, approverId), payload, assertion: await passkey.assertRecord(payload), at };
  return { ...body, id: asId(decisionIdSchema, await contentId(body)) };
}

/** The approver's passkey revoked at `at`, in a roster issued then. */
const revokingApprover = (world: SealWorld, version: number, at: number) => worldRoster(world.org, world.passkeys, version, (r: Roster): Roster => ({
  ...r,
  issuedAt: at,
  users: r.users.map((u) => (u.id === 'approver' ? { ...u, credentials: [] } : u)),
  revokedCredentials: [...r.revokedCredentials, { id: world.passkeys.approver.id, revokedAt: at, userId: 'approver' }],
}));

interface Stamped {
  readonly world: SealWorld;
  readonly bundle: EvidenceBundle;
}

/** A device stamps once under a grant approved at `decidedAt`; the bundle carries `laterRosters` besides the device's. */
async function stamped(decidedAt = T0 + 10 * MINUTE, laterRosters: (w: SealWorld) => Promise<EvidenceBundle['rosters']> = () => Promise.resolve([])): Promise<Stamped> {
  const world = await createSealWorld({ frameSize: 185 });
  const time = await timeRecord(world, T0 + 2 * HOUR);
  await world.client.setTime(time);
  const grant = await grantFor(world.request, [await decisionAt(world.request, 'approver', world.passkeys.approver, decidedAt)]);
  await world.client.unlock(grant, await holderConfirms(world, grant));
  const pressed = await world.hardware.press(1);
  expect(pressed).toMatchObject({ stamped: true, useIndex: 1 });
  const seq = (pressed as { seq: number }).seq;
  const log = await world.client.readLogSince(0);
  const photo = await world.client.photo(seq);
  const info = await world.client.info();
  const device: Device = { id: DEVICE_ID, serial: 'SN-0001', publicKeyJwk: info.publicKey, unitId: asId(unitIdSchema, 'B1'), state: 'bound', sealId: SEAL.id, provisionedAt: T0 };
  const binding = await signSealBinding(world.org.privateKey, {
    deviceId: DEVICE_ID, version: 1, sealId: SEAL.id, route: { sealKind: 'contract', minApprovals: 1 }, custodianId: SEAL.custodianId,
    sealUnitPath: [asId(unitIdSchema, 'B1'), asId(unitIdSchema, 'HQ')], issuedAt: T0,
  });
  const { status: _status, ...seal } = SEAL;
  const bundle = await attestBundle(world.org.privateKey, {
    format: 'seal-control-evidence', version: 1, kind: 'stamp', exportedAt: T0 + 3 * HOUR, orgPublicKey: world.org.publicJwk,
    request: world.request, seal, device, binding, timeRecords: [time],
    rosters: [world.signedRoster, ...(await laterRosters(world))], grants: [grant], log,
    stamps: [{ seq, photo: { sha256: (log.find((e) => e.seq === seq)!.payload as { photoSha256: string }).photoSha256, mime: 'image/x-portable-graymap', bytes: toBase64Url(photo) } }],
  });
  return { world, bundle };
}

const failed = (report: EvidenceReport) => [...new Set(report.checks.filter((c) => !c.ok).map((c) => c.check))].sort();
const check = (report: EvidenceReport, name: string) => report.checks.filter((c) => c.check === name);
const copy = (bundle: EvidenceBundle): EvidenceBundle => structuredClone(bundle);
/** The changed bundle as it stands, and the same signed again by the organisation. */
async function bothWays(world: SealWorld, changed: EvidenceBundle): Promise<[EvidenceReport, EvidenceReport]> {
  const { attestation: _a, ...body } = changed;
  const resigned = await attestBundle(world.org.privateKey, body);
  return [await verifyBundle(changed, world.org.publicJwk), await verifyBundle(resigned, world.org.publicJwk)];
}

describe('verifyBundle', () => {
  it('accepts an honest bundle, every piece verified: chain, grant, approval, photo, place, clock', async () => {
    const { world, bundle } = await stamped();
    const report = await verifyBundle(JSON.parse(JSON.stringify(bundle)), world.org.publicJwk);
    expect(failed(report)).toEqual([]);
    expect(report.valid).toBe(true);
    for (const name of ['org_key.trusted', 'bundle.attestation', 'roster.signature', 'binding.signature', 'time_record.signature', 'log.chain', 'records.request', 'grant.content', 'grant.terms', 'decision.roster', 'decision.assertion', 'grant.approvals', 'stamp.entry', 'stamp.grant', 'stamp.device_roster', 'stamp.photo', 'stamp.place', 'stamp.clock']) {
      expect(check(report, name).map((c) => c.ok), name).toEqual([true]);
    }
    expect(check(report, 'stamp.clock')[0]!.detail).toMatch(/^trusted: set from an org-signed time record/);
    expect(check(report, 'stamp.place')[0]!.detail).toMatch(/inside the 500 m geofence/);
    expect(report.checks.filter((c) => c.warning)).toEqual([]);
  });

  it('rejects a changed photo byte, naming the photo', async () => {
    const { world, bundle } = await stamped();
    const changed = copy(bundle);
    const bytes = fromBase64Url(changed.stamps[0]!.photo!.bytes);
    bytes[100] = bytes[100]! ^ 0x01;
    changed.stamps[0]!.photo!.bytes = toBase64Url(bytes);
    const [asIs, resigned] = await bothWays(world, changed);
    expect(failed(asIs)).toEqual(['bundle.attestation', 'stamp.photo']);
    expect(failed(resigned)).toEqual(['stamp.photo']);
    expect(check(resigned, 'stamp.photo')[0]!.detail).toMatch(/the photo was changed/);
  });

  it('rejects a changed grant term, naming the grant', async () => {
    const { world, bundle } = await stamped();
    const changed = copy(bundle);
    changed.grants[0] = { ...changed.grants[0]!, uses: 3 };
    const [asIs, resigned] = await bothWays(world, changed);
    expect(asIs.valid).toBe(false);
    expect(failed(asIs)).toEqual(['bundle.attestation', 'grant.content', 'grant.terms']);
    expect(failed(resigned)).toEqual(['grant.content', 'grant.terms']);
    expect(check(resigned, 'grant.terms')[0]!.detail).toMatch(/allows 3 uses, expected the 2 requested/);
  });

  it('rejects a removed log entry, naming the chain', async () => {
    const { world, bundle } = await stamped();
    const changed = copy(bundle);
    changed.log.splice(changed.log.findIndex((e) => e.type === 'time_set'), 1);
    const [asIs, resigned] = await bothWays(world, changed);
    expect(failed(asIs)).toContain('log.chain');
    expect(failed(resigned)).toContain('log.chain');
    expect(check(resigned, 'log.chain')[0]!.detail).toMatch(/gap at \d+: entry \d+ is missing/);
    // The first entry, too: the log starts at genesis.
    const headless = copy(bundle);
    headless.log.shift();
    expect(failed(await verifyBundle(headless, world.org.publicJwk))).toContain('log.chain');
  });

  it('rejects an approval by a passkey already revoked when the decision was made (the device held an older roster)', async () => {
    const { world, bundle } = await stamped(T0 + 10 * MINUTE, async (w) => [await revokingApprover(w, 2, T0 + 5 * MINUTE)]);
    const report = await verifyBundle(bundle, world.org.publicJwk);
    expect(failed(report)).toEqual(['decision.assertion', 'grant.approvals']);
    expect(check(report, 'decision.assertion')[0]!.detail).toMatch(/already revoked when the decision was made/);
    // The device itself accepted it: its log says it judged under roster v1, which it held.
    expect(check(report, 'stamp.device_roster')[0]!.detail).toMatch(/roster v1/);
  });

  it('accepts an approval whose passkey was revoked only later, and says so', async () => {
    const { world, bundle } = await stamped(T0 + 10 * MINUTE, async (w) => [await revokingApprover(w, 2, T0 + 20 * MINUTE)]);
    const report = await verifyBundle(bundle, world.org.publicJwk);
    expect(failed(report)).toEqual([]);
    const revoked = check(report, 'decision.revoked_since')[0]!;
    expect(revoked).toMatchObject({ ok: true, warning: true });
    expect(revoked.detail).toMatch(/revoked since/);
  });

  it('rejects a request bundle that leaves out one of its stamps', async () => {
    const { world, bundle } = await stamped();
    const { attestation: _a, ...body } = bundle;
    const whole = await attestBundle(world.org.privateKey, { ...body, kind: 'request' });
    expect(failed(await verifyBundle(whole, world.org.publicJwk))).toEqual([]);
    const partial = await attestBundle(world.org.privateKey, { ...body, kind: 'request', stamps: [] });
    const report = await verifyBundle(partial, world.org.publicJwk);
    expect(failed(report)).toEqual(['records.stamps']);
    expect(check(report, 'records.stamps')[0]!.detail).toMatch(/does not list: entries \d+/);
  });

  it("rejects a bundle under another organisation's key, and what is not a bundle", async () => {
    const { bundle } = await stamped();
    const other = await createSealWorld();
    const report = await verifyBundle(bundle, other.org.publicJwk);
    expect(failed(report)).toEqual(expect.arrayContaining(['org_key.trusted', 'bundle.attestation', 'roster.signature', 'binding.signature']));
    const junk = await verifyBundle({ ...bundle, extra: 1 }, other.org.publicJwk);
    expect(failed(junk)).toEqual(['bundle.format']);
  });
});
