/**
 * A holder's certificate issued while their authority ends: the issue route has checked the
 * session, and before the certificate is stored the holder is deactivated or loses the role on
 * the seal's unit — each of which revokes the certificates live at that moment, not this one. The
 * route reads again once it is stored, revokes it, and refuses. (The seal leaving `active` is
 * read again the same way; no test lands it between the route's own read and the store.)
 */
import { createSigningRequest, generateSigningKeyPair, toPem } from '@seal/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret } from '../../sync-server/src/auth/secrets';
import type { SessionsRepo } from '../../sync-server/src/couch/sessionsRepo';
import { sealMove, sealRecord } from './fixtures';
import { changeGrant, openReplica, setUpWorld, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';

const AT = 1_790_000_300_000;

/** Run once, when the session with this hash is next marked as seen (after its checks, before the route's work). */
let heldTouch: { tokenHash: string; meanwhile: () => Promise<void> } | undefined;

let running: RunningSync;
let world: World;
let custodian: Person;

beforeAll(async () => {
  running = await startSyncServer({}, {
    sessions: (repo: SessionsRepo): SessionsRepo => ({
      ...repo,
      async touch(tokenHash, now, idleMs) {
        const hold = heldTouch?.tokenHash === tokenHash ? heldTouch : undefined;
        if (hold) {
          heldTouch = undefined;
          await hold.meanwhile();
        }
        return repo.touch(tokenHash, now, idleMs);
      },
    }),
  });
  world = await setUpWorld(running.server);
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  const tablet = await openReplica(running.url, custodian, 'custodian-tablet');
  for (const id of ['eseal-a', 'eseal-b']) {
    await tablet.store.records.create('seal', sealRecord(id, world.siteId, custodian.userId));
    await tablet.store.facts.append('seal_status_change', sealMove(id, null, 'active', custodian.userId, 'custodian', AT), world.siteId);
  }
  await syncAll([tablet]);
  await tablet.close();
});
afterAll(async () => running?.close());

/** Asks for a certificate for `sealId` as `holder`, running `meanwhile` once their session has passed its checks. */
async function issueWhile(holder: Person, sealId: string, meanwhile: () => Promise<void>) {
  // The session is marked as seen at most once a minute: a minute on, this request marks it.
  running.server.clock.advance(61_000);
  let ran = false;
  heldTouch = { tokenHash: hashSecret(holder.cookie.slice(holder.cookie.indexOf('=') + 1)), meanwhile: async () => { await meanwhile(); ran = true; } };
  const csr = toPem('CERTIFICATE REQUEST', await createSigningRequest(await generateSigningKeyPair({ extractable: false }), { commonName: 'tablet', organization: 'x' }));
  const answer = await running.server.call('POST', '/api/documents/signing-certificates', { cookie: holder.cookie, body: { sealId, csr } });
  expect(ran).toBe(true);
  return { status: answer.statusCode, error: answer.json<{ error?: string }>().error };
}

/** The holder's certificates as stored: live or not. */
async function certificatesOf(holder: Person): Promise<{ serial: string; revokedAt: string | null }[]> {
  const { store } = running.server;
  const page = await store.couch.use<{ type?: string; holderId?: string; serial: string; revokedAt: string | null }>(store.dbName('certificates')).list({ include_docs: true });
  return page.rows.map((r) => r.doc!).filter((d) => d.type === 'signing-certificate' && d.holderId === holder.userId).map(({ serial, revokedAt }) => ({ serial, revokedAt }));
}

describe('a certificate issued as its holder\'s authority ends', () => {
  it('is revoked when the holder was deactivated meanwhile: 403 user_deactivated', async () => {
    const holder = await world.person(world.siteId, ['staff'], 'Leaving 离职经办');
    const refused = await issueWhile(holder, 'eseal-a', async () => {
      expect((await running.server.call('POST', `/api/users/${holder.userId}/deactivate`, { cookie: world.admin.cookie })).statusCode).toBe(200);
    });
    expect(refused).toEqual({ status: 403, error: 'user_deactivated' });
    const held = await certificatesOf(holder);
    expect(held).toHaveLength(1);
    expect(held[0]!.revokedAt).not.toBeNull();
  });

  it('is revoked when the holder lost the role on the seal\'s unit meanwhile: 403 forbidden', async () => {
    const holder = await world.person(world.siteId, ['staff'], 'Moved 调岗经办');
    const refused = await issueWhile(holder, 'eseal-a', () => changeGrant(running.server, world.admin, holder, 'revoke', 'staff', world.siteId));
    expect(refused).toEqual({ status: 403, error: 'forbidden' });
    expect((await certificatesOf(holder)).map((c) => c.revokedAt !== null)).toEqual([true]);
  });

  it('a seal suspended as the request comes in is refused before anything is issued; another holder\'s certificate of another seal stays', async () => {
    const holder = await world.person(world.siteId, ['staff'], 'Staff 经办人');
    const bystander = await world.person(world.siteId, ['staff'], 'Bystander 旁人');
    expect((await issueWhile(bystander, 'eseal-a', () => Promise.resolve())).status).toBe(200);
    const refused = await issueWhile(holder, 'eseal-b', async () => {
      const tablet = await openReplica(running.url, custodian, 'custodian-suspends');
      await syncAll([tablet]);
      await tablet.store.facts.append('seal_status_change', sealMove('eseal-b', 'active', 'suspended', custodian.userId, 'custodian', AT + 10), world.siteId);
      await syncAll([tablet]);
      await tablet.close();
    });
    expect(refused).toEqual({ status: 409, error: 'seal_not_signable' });
    expect(await certificatesOf(holder)).toEqual([]);
    expect((await certificatesOf(bystander)).map((c) => c.revokedAt !== null)).toEqual([false]);
  });
});
