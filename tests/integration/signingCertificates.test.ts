/**
 * The organisation CA and holders' certificates (ADR 008) through the API: a tablet's
 * non-extractable key gets a short-lived certificate for an active electronic seal in its scope,
 * then signs a real PDF with no network at all, and pdfsig — trusting only the CA certificate the
 * server publishes — finds the signature valid and trusted.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createSigningRequest, generateSigningKeyPair, fromPem, signPdf, toPem } from '@seal/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sealMove, sealRecord } from './fixtures';
import { changeGrant, openReplica, setUpWorld, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';

const run = promisify(execFile);
const FIXTURE = new URL('../fixtures/documents/fontconfig-user.pdf', import.meta.url);
const AT = 1_790_000_300_000;

let running: RunningSync;
let world: World;
let staff: Person;
let custodian: Person;
let outsider: Person;
let dir: string;

async function csrFor(keys: Awaited<ReturnType<typeof generateSigningKeyPair>>): Promise<string> {
  return toPem('CERTIFICATE REQUEST', await createSigningRequest(keys, { commonName: 'tablet', organization: 'ignored: the server names the subject' }));
}

const ask = (person: Person, body: unknown) => running.server.call('POST', '/api/documents/signing-certificates', { cookie: person.cookie, body });

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  staff = await world.person(world.siteId, ['staff'], 'Staff 经办人');
  outsider = await world.person(world.otherBranchId, ['staff'], 'Outsider');
  const tablet = await openReplica(running.url, custodian, 'custodian-tablet');
  await tablet.store.records.create('seal', sealRecord('eseal-1', world.siteId, custodian.userId));
  await tablet.store.facts.append('seal_status_change', sealMove('eseal-1', null, 'active', custodian.userId, 'custodian', AT), world.siteId);
  await tablet.store.records.create('seal', sealRecord('eseal-off', world.siteId, custodian.userId, '作废章'));
  await tablet.store.facts.append('seal_status_change', sealMove('eseal-off', null, 'active', custodian.userId, 'custodian', AT), world.siteId);
  await tablet.store.facts.append('seal_status_change', sealMove('eseal-off', 'active', 'suspended', custodian.userId, 'custodian', AT + 1), world.siteId);
  await syncAll([tablet]);
  await tablet.close();
  dir = await mkdtemp(join(tmpdir(), 'signing-certs-'));
});
afterAll(async () => {
  await running?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('signing certificates for electronic seals', () => {
  it('are not issued, and nothing is countersigned, by a server where ELECTRONIC_SIGNING=false', async () => {
    const plain = await startSyncServer({ ELECTRONIC_SIGNING: 'false' });
    try {
      const plainWorld = await setUpWorld(plain.server);
      const siteStaff = await plainWorld.person(plainWorld.siteId, ['staff'], 'Staff 经办人');
      const csr = await csrFor(await generateSigningKeyPair({ extractable: false }));
      const issued = await plain.server.call('POST', '/api/documents/signing-certificates', { cookie: siteStaff.cookie, body: { sealId: 'eseal-1', csr } });
      expect({ status: issued.statusCode, body: issued.json<unknown>() }).toMatchObject({ status: 403, body: { error: 'signing_disabled' } });
      const countersigned = await plain.server.call('POST', `/api/documents/impressions/${'i'.repeat(22)}/countersign`, { cookie: siteStaff.cookie, body: { pdf: Buffer.from('%PDF-1.7').toString('base64') } });
      expect({ status: countersigned.statusCode, body: countersigned.json<unknown>() }).toMatchObject({ status: 403, body: { error: 'signing_disabled' } });
    } finally {
      await plain.close();
    }
  });

  it('issues a certificate to staff of the seal\'s unit; the tablet signs offline; pdfsig trusts it through the published CA', async () => {
    const keys = await generateSigningKeyPair({ extractable: false });
    const issued = await ask(staff, { sealId: 'eseal-1', csr: await csrFor(keys), days: 2 });
    expect(issued.statusCode, issued.body).toBe(200);
    const { record, certificate, chain } = issued.json<{ record: Record<string, unknown>; certificate: string; chain: string[] }>();
    expect(record).toMatchObject({ sealId: 'eseal-1', holderId: staff.userId, unitId: world.siteId, revokedAt: null });
    expect(Date.parse(record.notAfter as string) - Date.parse(record.notBefore as string)).toBeLessThanOrEqual(2 * 86_400_000 + 5 * 60_000);
    const ca = await running.server.call('GET', '/api/documents/ca');
    expect(ca.statusCode).toBe(200);
    expect(chain).toEqual([ca.json<{ certificate: string }>().certificate]);

    // Offline from here: nothing below talks to the server.
    const signed = await signPdf(new Uint8Array(await readFile(FIXTURE)), {
      privateKey: keys.privateKey, certificate: fromPem('CERTIFICATE', certificate)[0]!, chain: chain.map((p) => fromPem('CERTIFICATE', p)[0]!),
    }, { name: 'seal:eseal-1', signedAt: new Date(), reason: 'Electronic seal' });

    const nss = join(dir, 'nss');
    await run('mkdir', ['-p', nss]);
    await run('certutil', ['-N', '-d', `sql:${nss}`, '--empty-password']);
    await writeFile(join(dir, 'ca.pem'), ca.json<{ certificate: string }>().certificate);
    await run('certutil', ['-A', '-d', `sql:${nss}`, '-n', 'org CA', '-t', 'CT,C,C', '-i', join(dir, 'ca.pem')]);
    await writeFile(join(dir, 'signed.pdf'), signed);
    const { stdout } = await run('pdfsig', ['-nssdir', `sql:${nss}`, join(dir, 'signed.pdf')]);
    expect(stdout).toContain('Signer Certificate Common Name: 合同专用章');
    expect(stdout).toContain('serialNumber=eseal-1');
    expect(stdout).toContain('Signature Validation: Signature is Valid.');
    expect(stdout).toContain('Certificate Validation: Certificate is Trusted.');
  });

  it('refuses a seal out of scope (as absent), a suspended seal, a forged request and unknown fields', async () => {
    const keys = await generateSigningKeyPair({ extractable: false });
    const csr = await csrFor(keys);
    expect((await ask(outsider, { sealId: 'eseal-1', csr })).json()).toMatchObject({ error: 'not_found' });
    expect((await ask(staff, { sealId: 'no-such-seal', csr })).statusCode).toBe(404);
    const suspended = await ask(staff, { sealId: 'eseal-off', csr });
    expect(suspended.statusCode).toBe(409);
    expect(suspended.json()).toMatchObject({ error: 'seal_not_signable' });
    const other = await generateSigningKeyPair({ extractable: false });
    const forged = toPem('CERTIFICATE REQUEST', await createSigningRequest({ publicKey: keys.publicKey, privateKey: other.privateKey }, { commonName: 't', organization: 'o' }));
    const refused = await ask(staff, { sealId: 'eseal-1', csr: forged });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: 'signing_request_invalid' });
    expect((await ask(staff, { sealId: 'eseal-1', csr, days: 30 })).json()).toMatchObject({ error: 'invalid_body' });
    expect((await ask(staff, { sealId: 'eseal-1', csr, holderId: custodian.userId })).json()).toMatchObject({ error: 'invalid_body' });
  });

  it('the custodian revokes a certificate, once; anyone can read its status; an outsider cannot revoke', async () => {
    const issued = await ask(staff, { sealId: 'eseal-1', csr: await csrFor(await generateSigningKeyPair({ extractable: false })) });
    const serial = issued.json<{ record: { serial: string } }>().record.serial;
    const revoke = (person: Person) => running.server.call('POST', `/api/documents/signing-certificates/${serial}/revoke`, { cookie: person.cookie, body: { reason: 'tablet lost' } });
    expect((await revoke(outsider)).statusCode).toBe(404);
    const done = await revoke(custodian);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({ record: { serial, revocationReason: 'tablet lost' } });
    expect((await revoke(custodian)).json()).toMatchObject({ error: 'conflict' });
    const seen = await running.server.call('GET', `/api/documents/signing-certificates/${serial}`);
    expect(seen.json<{ record: { revokedAt: string | null } }>().record.revokedAt).not.toBeNull();
    expect((await running.server.call('GET', `/api/documents/signing-certificates/${'0'.repeat(32)}`)).statusCode).toBe(404);
  });

  it('are revoked with the holder\'s authority: a role taken back on the seal\'s unit, a deactivation — not a role elsewhere', async () => {
    const issue = async (person: Person): Promise<string> => {
      const issued = await ask(person, { sealId: 'eseal-1', csr: await csrFor(await generateSigningKeyPair({ extractable: false })), days: 2 });
      expect(issued.statusCode, issued.body).toBe(200);
      return issued.json<{ record: { serial: string } }>().record.serial;
    };
    const state = async (serial: string) => (await running.server.call('GET', `/api/documents/signing-certificates/${serial}`)).json<{ record: { revokedAt: string | null; revocationReason: string | null } }>().record;

    // Staff on the site and on its branch: losing the site role leaves the branch's, which still covers the seal.
    const twice = await world.person(world.siteId, ['staff'], 'Staff twice 两处经办');
    await changeGrant(running.server, world.admin, twice, 'grant', 'staff', world.branchId);
    const kept = await issue(twice);
    await changeGrant(running.server, world.admin, twice, 'revoke', 'staff', world.siteId);
    expect((await state(kept)).revokedAt).toBeNull();
    // Losing the branch's too: nothing covers the seal's unit any more.
    await changeGrant(running.server, world.admin, twice, 'revoke', 'staff', world.branchId);
    expect(await state(kept)).toMatchObject({ revokedAt: expect.any(String) as unknown, revocationReason: expect.stringContaining('lost staff') as unknown });

    // A role taken back elsewhere leaves the certificate alone; a deactivation revokes every one.
    const leaving = await world.person(world.siteId, ['staff'], 'Leaving 离职经办');
    await changeGrant(running.server, world.admin, leaving, 'grant', 'staff', world.otherBranchId);
    const first = await issue(leaving);
    const second = await issue(leaving);
    await changeGrant(running.server, world.admin, leaving, 'revoke', 'staff', world.otherBranchId);
    expect((await state(first)).revokedAt).toBeNull();
    const deactivated = await running.server.call('POST', `/api/users/${leaving.userId}/deactivate`, { cookie: world.admin.cookie });
    expect(deactivated.statusCode, deactivated.body).toBe(200);
    for (const serial of [first, second]) expect(await state(serial)).toMatchObject({ revokedAt: expect.any(String) as unknown, revocationReason: expect.stringContaining('deactivated') as unknown });
    // Someone else's certificate is untouched.
    const other = await issue(staff);
    expect((await state(other)).revokedAt).toBeNull();
  });
});
