import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignedRoster, type Roster, type SignedRoster } from '@seal/shared';
import { createUnit } from '../../testing/testServer';
import { startTestOrganisation, type TestOrganisation, type TestPerson } from '../../testing/testOrganisation';

describe('organisation key, signed roster and signed decisions', () => {
  let org: TestOrganisation;
  let approver: TestPerson;

  beforeAll(async () => {
    org = await startTestOrganisation();
    approver = await org.invite(org.east, ['approver'], 'Chen Approver');
  });
  afterAll(async () => {
    await org?.close();
  });

  const orgKey = async () => (await org.server.call('GET', '/api/org-key')).json<{ keyId: string; publicJwk: { kty: 'EC'; crv: 'P-256'; x: string; y: string } }>();
  const roster = async () => (await org.server.call('GET', '/api/roster', { cookie: org.admin.cookie })).json<SignedRoster>();

  it('publishes the organisation public key and its RFC 7638 key id', async () => {
    const key = await orgKey();
    expect(key).toEqual({ keyId: org.server.orgKey.keyId, publicJwk: org.server.orgKey.publicJwk });
    expect(key.publicJwk).not.toHaveProperty('d');
  });

  it('serves a roster signed by the org key, listing users, passkey JWKs and roles', async () => {
    const signed = await roster();
    const verified = await verifySignedRoster(signed, (await orgKey()).publicJwk);
    expect(verified.ok).toBe(true);
    const r = signed.roster;
    expect(r).toMatchObject({ rpId: 'localhost', origins: ['http://localhost:8080'], orgKeyId: org.server.orgKey.keyId });
    const chen = r.users.find((u) => u.id === approver.userId)!;
    expect(chen).toMatchObject({ displayName: 'Chen Approver', roles: [{ role: 'approver', unitId: org.east }] });
    expect(chen.credentials[0]).toMatchObject({ id: approver.credentialId, publicKeyJwk: { kty: 'EC', crv: 'P-256' } });
    expect((await org.server.call('GET', '/api/roster')).statusCode).toBe(401);
  });

  it('carries the unit tree, and a new version when a unit is added or a geofence changes (not on a rename)', async () => {
    const first = (await roster()).roster;
    expect(first.units).toEqual(expect.arrayContaining([
      { id: org.admin.rootUnitId, parentId: null, kind: 'hq' },
      { id: org.east, parentId: org.admin.rootUnitId, kind: 'branch' },
      { id: org.west, parentId: org.admin.rootUnitId, kind: 'branch' },
    ]));
    const fence = { lat: 31.2304, lon: 121.4737, radiusM: 300 };
    const site = await createUnit(org.server, org.admin.cookie, org.east, 'East site', 'site');
    const added = (await roster()).roster;
    expect(added.version).toBe(first.version + 1);
    expect(added.units).toContainEqual({ id: site, parentId: org.east, kind: 'site' });
    expect((await org.server.call('PATCH', `/api/units/${site}`, { cookie: org.admin.cookie, body: { geofence: fence } })).statusCode).toBe(200);
    const fenced = (await roster()).roster;
    expect(fenced.version).toBe(added.version + 1);
    expect(fenced.units).toContainEqual({ id: site, parentId: org.east, kind: 'site', geofence: fence });
    await org.server.call('PATCH', `/api/units/${site}`, { cookie: org.admin.cookie, body: { name: 'East site (renamed)', geofence: fence } });
    expect((await roster()).roster.version).toBe(fenced.version);
    await org.server.call('PATCH', `/api/units/${site}`, { cookie: org.admin.cookie, body: { geofence: null } });
    const unfenced = (await roster()).roster;
    expect(unfenced.version).toBe(fenced.version + 1);
    expect(unfenced.units).toContainEqual({ id: site, parentId: org.east, kind: 'site' });
  });

  it('a tampered roster fails verification', async () => {
    const signed = await roster();
    const key = (await orgKey()).publicJwk;
    const promoted: Roster = { ...signed.roster, users: signed.roster.users.map((u) => (u.id === approver.userId ? { ...u, roles: [...u.roles, { role: 'admin', unitId: org.admin.rootUnitId }] } : u)) };
    const result = await verifySignedRoster({ ...signed, roster: promoted }, key);
    expect(result).toMatchObject({ ok: false, error: { code: 'bad_signature' } });
    const older = await verifySignedRoster(signed, key, { minVersion: signed.roster.version + 1 });
    expect(older).toMatchObject({ ok: false, error: { code: 'stale_roster' } });
  });

  it('bumps the roster version on every change to who may sign, and lists revoked passkeys', async () => {
    const before = (await roster()).roster.version;
    await org.server.call('POST', `/api/users/${approver.userId}/grants`, { cookie: org.admin.cookie, body: { role: 'approver', unitId: org.west } });
    const afterGrant = (await roster()).roster;
    expect(afterGrant.version).toBe(before + 1);
    const options = await org.server.call('POST', '/api/auth/passkeys/options', { cookie: approver.cookie });
    const spare = org.server.authenticator();
    const added = await org.server.call('POST', '/api/auth/passkeys/verify', { cookie: approver.cookie, body: { response: await spare.register(options.json()) } });
    const spareId = added.json<{ credential: { id: string } }>().credential.id;
    await org.server.call('POST', `/api/credentials/${spareId}/revoke`, { cookie: approver.cookie });
    const after = (await roster()).roster;
    expect(after.version).toBe(before + 3);
    expect(after.revokedCredentials).toContainEqual(expect.objectContaining({ id: spareId, userId: approver.userId }));
    expect(after.users.flatMap((u) => u.credentials.map((c) => c.id))).not.toContain(spareId);
    await org.server.call('POST', `/api/users/${approver.userId}/grants/revoke`, { cookie: org.admin.cookie, body: { role: 'approver', unitId: org.west } });
  });

  const payload = (unitId: string, verdict: 'approve' | 'reject' = 'approve', requesterId = org.admin.userId) => ({
    purpose: 'seal-use-decision',
    requestId: 'req-2024-0001',
    requesterId,
    documentSha256: 'a'.repeat(64),
    sealId: 'seal-contract-1',
    uses: 2,
    window: { notBefore: 1_700_000_000_000, notAfter: 1_700_086_400_000 },
    place: { unitId },
    verdict,
  });
  const verifyDecision = (body: object) => org.server.call('POST', '/api/decisions/verify', { cookie: org.admin.cookie, body });

  it('verifies an approver\'s signed decision and names the signer', async () => {
    const record = payload(org.east);
    const res = await verifyDecision({ payload: record, assertion: await approver.authenticator.signRecord(record) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ verified: true, verdict: 'approve', signer: { user: { id: approver.userId }, credentialId: approver.credentialId, permit: { role: 'approver', unitId: org.east } } });
  });

  it('refuses a decision whose record differs from what was signed (challenge_mismatch)', async () => {
    const assertion = await approver.authenticator.signRecord(payload(org.east, 'reject'));
    const res = await verifyDecision({ payload: payload(org.east, 'approve'), assertion });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({ error: 'challenge_mismatch' });
  });

  it('refuses a signer who is no approver over the request\'s unit, or decides their own request', async () => {
    const outside = payload(org.west);
    const scope = await verifyDecision({ payload: outside, assertion: await approver.authenticator.signRecord(outside) });
    expect(scope.json()).toMatchObject({ error: 'signer_out_of_scope' });
    const byAdmin = payload(org.east);
    const notApprover = await verifyDecision({ payload: byAdmin, assertion: await org.admin.authenticator.signRecord(byAdmin) });
    expect(notApprover.json()).toMatchObject({ error: 'signer_not_permitted' });
    const ownRequest = payload(org.east, 'approve', approver.userId);
    const own = await verifyDecision({ payload: ownRequest, assertion: await approver.authenticator.signRecord(ownRequest) });
    expect(own.json()).toMatchObject({ error: 'self_decision' });
  });

  it('refuses an unknown or revoked passkey, a foreign origin and a missing UV', async () => {
    const record = payload(org.east);
    const stranger = org.server.authenticator();
    await stranger.register({ ...(await org.server.call('POST', '/api/auth/passkeys/options', { cookie: org.admin.cookie })).json(), challenge: 'eA' });
    expect((await verifyDecision({ payload: record, assertion: await stranger.signRecord(record) })).json()).toMatchObject({ error: 'unknown_credential' });
    expect((await verifyDecision({ payload: record, assertion: await approver.authenticator.signRecord(record, undefined, { origin: 'https://evil.example' }) })).json()).toMatchObject({ error: 'origin_mismatch' });
    expect((await verifyDecision({ payload: record, assertion: await approver.authenticator.signRecord(record, undefined, { userVerified: false }) })).json()).toMatchObject({ error: 'user_not_verified' });
    const assertion = await approver.authenticator.signRecord(record);
    await org.server.call('POST', `/api/credentials/${approver.credentialId}/revoke`, { cookie: org.admin.cookie });
    expect((await verifyDecision({ payload: record, assertion })).json()).toMatchObject({ error: 'revoked_credential' });
  });
});
