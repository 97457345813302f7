import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashSecret, newSessionToken } from '../../auth/secrets';
import { createUnit, inviteAndRegister, sessionCookieOf, setUpOrganisation, signIn, startTestServer, startTestStore, type TestServer, type TestStore } from '../../testing/testServer';

describe('passkey sign-in, sessions and passkey management', () => {
  let testStore: TestStore;
  let server: TestServer;
  let admin: Awaited<ReturnType<typeof setUpOrganisation>>;

  beforeAll(async () => {
    testStore = await startTestStore();
    server = await startTestServer(testStore);
    admin = await setUpOrganisation(server);
  });
  afterAll(async () => {
    await server?.close();
    await testStore?.close();
  });

  const loginOptions = async () => (await server.call('POST', '/api/auth/login/options')).json<{ challenge: string; allowCredentials?: unknown[]; userVerification: string }>();
  const verify = (response: unknown) => server.call('POST', '/api/auth/login/verify', { body: { response } });

  it('offers discoverable sign-in: empty allowCredentials, user verification required', async () => {
    const options = await loginOptions();
    expect(options.allowCredentials ?? []).toEqual([]);
    expect(options.userVerification).toBe('required');
  });

  it('signs in with a session cookie that is httpOnly and SameSite=Strict', async () => {
    const res = await signIn(server, admin.authenticator);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'sealctl_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie.secure).toBeFalsy(); // http://localhost origin; __Host- + Secure under https
    const stored = await server.repos.sessions.get(cookie.value);
    expect(stored).toBeUndefined(); // the store keys sessions by the token's hash, not the token
  });

  it('refuses a replayed assertion (400 challenge_used)', async () => {
    const { challenge } = await loginOptions();
    const response = await admin.authenticator.assert(challenge);
    expect((await verify(response)).statusCode).toBe(200);
    const replay = await verify(response);
    expect(replay.statusCode).toBe(400);
    expect(replay.json()).toMatchObject({ error: 'challenge_used' });
  });

  it('refuses an assertion from another origin (400 origin_mismatch)', async () => {
    const { challenge } = await loginOptions();
    const res = await verify(await admin.authenticator.assert(challenge, undefined, { origin: 'https://evil.example' }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'origin_mismatch' });
    expect(res.json<{ message: string }>().message).toContain('"https://evil.example"');
  });

  it('refuses a challenge it never issued, or one issued for another ceremony', async () => {
    const unknown = await verify(await admin.authenticator.assert('bm90LWlzc3VlZC1ieS10aGlzLXNlcnZlcg'));
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json()).toMatchObject({ error: 'challenge_unknown' });
    const registration = await server.call('POST', '/api/auth/passkeys/options', { cookie: admin.cookie });
    const mismatch = await verify(await admin.authenticator.assert(registration.json<{ challenge: string }>().challenge));
    expect(mismatch.statusCode).toBe(400);
    expect(mismatch.json()).toMatchObject({ error: 'challenge_mismatch' });
  });

  it('refuses an expired challenge', async () => {
    const { challenge } = await loginOptions();
    server.clock.advance(server.config.challengeTtlMs + 1);
    const res = await verify(await admin.authenticator.assert(challenge));
    expect(res.json()).toMatchObject({ error: 'challenge_expired' });
  });

  it('refuses an unknown passkey (401 unknown_credential)', async () => {
    const stranger = server.authenticator();
    await stranger.register({ ...(await server.call('POST', '/api/auth/passkeys/options', { cookie: admin.cookie })).json(), challenge: 'c3RyYW5nZXI' });
    const res = await signIn(server, stranger);
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'unknown_credential' });
  });

  it('refuses an assertion without user verification', async () => {
    const { challenge } = await loginOptions();
    const res = await verify(await admin.authenticator.assert(challenge, undefined, { userVerified: false }));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'assertion_refused' });
  });

  it('refuses and audits a regressing sign counter', async () => {
    const { challenge } = await loginOptions();
    const res = await verify(await admin.authenticator.assert(challenge, undefined, { signCount: 1 }));
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'counter_regressed' });
    const audit = await server.call('GET', '/api/audit?limit=500', { cookie: admin.cookie });
    expect(audit.json<{ records: { action: string }[] }>().records.map((r) => r.action)).toContain('credential.counter_regressed');
  });

  it('accepts passkeys that keep no counter (always 0)', async () => {
    const branch = await createUnit(server, admin.cookie, admin.rootUnitId, 'Branch');
    const synced = await inviteAndRegister(server, admin.cookie, branch, ['staff'], 'Synced', server.authenticator(false));
    expect((await signIn(server, synced.authenticator)).statusCode).toBe(200);
    expect((await signIn(server, synced.authenticator)).statusCode).toBe(200);
  });

  it('adds a second passkey while signed in; either signs in', async () => {
    const options = await server.call('POST', '/api/auth/passkeys/options', { cookie: admin.cookie });
    expect(options.statusCode).toBe(200);
    const second = server.authenticator();
    const res = await server.call('POST', '/api/auth/passkeys/verify', { cookie: admin.cookie, body: { response: await second.register(options.json()), label: 'Laptop' } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ credential: { label: 'Laptop', userId: admin.userId } });
    expect((await signIn(server, second)).statusCode).toBe(200);
    const list = await server.call('GET', '/api/auth/passkeys', { cookie: admin.cookie });
    expect(list.json<{ credentials: unknown[] }>().credentials).toHaveLength(2);
  });

  it('names a passkey added without a label neutrally: "Passkey · 通行密钥 N"', async () => {
    const options = await server.call('POST', '/api/auth/passkeys/options', { cookie: admin.cookie });
    const res = await server.call('POST', '/api/auth/passkeys/verify', { cookie: admin.cookie, body: { response: await server.authenticator().register(options.json()) } });
    expect(res.statusCode).toBe(201);
    const count = (await server.call('GET', '/api/auth/passkeys', { cookie: admin.cookie })).json<{ credentials: unknown[] }>().credentials.length;
    expect(res.json()).toMatchObject({ credential: { label: `Passkey · 通行密钥 ${count}` } });
    expect(res.json<{ credential: object }>().credential).not.toHaveProperty('lastUsedAt'); // added, not yet used to sign in
  });

  it('judges a long passkey id by its schema, not the router: an unknown one of 128 or 1,364 characters is 404, one past the bound 400 invalid_query', async () => {
    for (const length of [128, 1364]) {
      const res = await server.call('POST', `/api/credentials/${'A'.repeat(length)}/revoke`, { cookie: admin.cookie });
      expect({ length, status: res.statusCode, error: res.json<{ error: string }>().error }).toEqual({ length, status: 404, error: 'not_found' });
    }
    const tooLong = await server.call('POST', `/api/credentials/${'A'.repeat(1365)}/revoke`, { cookie: admin.cookie });
    expect({ status: tooLong.statusCode, error: tooLong.json<{ error: string }>().error }).toEqual({ status: 400, error: 'invalid_query' });
  });

  it('revoking a passkey refuses it at sign-in and ends the sessions it opened', async () => {
    const branch = await createUnit(server, admin.cookie, admin.rootUnitId, 'Lost-phone branch');
    const user = await inviteAndRegister(server, admin.cookie, branch, ['staff'], 'Li Lost');
    expect((await server.call('GET', '/api/auth/session', { cookie: user.cookie })).statusCode).toBe(200);
    const own = await server.call('POST', `/api/credentials/${user.credentialId}/revoke`, { cookie: user.cookie });
    expect(own.statusCode).toBe(409); // their only passkey
    expect(own.json()).toMatchObject({ error: 'last_passkey' });
    const revoked = await server.call('POST', `/api/credentials/${user.credentialId}/revoke`, { cookie: admin.cookie });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json()).toMatchObject({ credential: { revokedBy: admin.userId } });
    const session = await server.call('GET', '/api/auth/session', { cookie: user.cookie });
    expect(session.statusCode).toBe(401);
    expect(session.json()).toMatchObject({ error: 'session_expired' });
    const again = await signIn(server, user.authenticator);
    expect(again.statusCode).toBe(401);
    expect(again.json()).toMatchObject({ error: 'revoked_credential' });
  });

  it('a revocation asked again ends any session of the passkey still open (the first one\'s end failed part way)', async () => {
    const branch = await createUnit(server, admin.cookie, admin.rootUnitId, 'Half-ended branch');
    const user = await inviteAndRegister(server, admin.cookie, branch, ['staff'], 'Zhou Left-open');
    const token = user.cookie.slice(user.cookie.indexOf('=') + 1);
    const opened = (await server.repos.sessions.get(hashSecret(token)))!;
    expect((await server.call('POST', `/api/credentials/${user.credentialId}/revoke`, { cookie: admin.cookie })).statusCode).toBe(200);
    // A session of that passkey the revocation did not reach (as if its end had failed part way).
    const leftOpen = newSessionToken();
    await server.repos.sessions.create(hashSecret(leftOpen), { ...opened, revokedAt: undefined, lastSeenAt: server.clock.now(), idleExpiresAt: server.clock.now() + 60_000 });
    const cookie = `${user.cookie.slice(0, user.cookie.indexOf('='))}=${leftOpen}`;
    // It opens nothing: a session is refused once the passkey it was opened with is revoked.
    const refusedSession = await server.call('GET', '/api/auth/session', { cookie });
    expect({ status: refusedSession.statusCode, error: refusedSession.json<{ error: string }>().error }).toEqual({ status: 401, error: 'session_expired' });
    // Someone who may not manage its owner asks first: refused, and the session stays as it is in the store.
    const bystander = await inviteAndRegister(server, admin.cookie, branch, ['staff'], 'Wu Bystander');
    const refused = await server.call('POST', `/api/credentials/${user.credentialId}/revoke`, { cookie: bystander.cookie });
    expect(refused.statusCode).toBe(403);
    expect((await server.repos.sessions.get(hashSecret(leftOpen)))?.revokedAt).toBeUndefined();
    // Asked again by someone who may, the revocation ends it in the store too.
    expect((await server.call('POST', `/api/credentials/${user.credentialId}/revoke`, { cookie: admin.cookie })).statusCode).toBe(200);
    expect((await server.repos.sessions.get(hashSecret(leftOpen)))?.revokedAt).toBeDefined();
  });

  it('adds or revokes a passkey only on a sign-in of the last 10 minutes: a session left open on a tablet does not take the account over', async () => {
    const branch = await createUnit(server, admin.cookie, admin.rootUnitId, 'Shared-tablet branch');
    const owner = await inviteAndRegister(server, admin.cookie, branch, ['approver'], 'Wang Owner');
    const add = async (cookie: string) => {
      const options = await server.call('POST', '/api/auth/passkeys/options', { cookie });
      return options.statusCode === 200 ? server.call('POST', '/api/auth/passkeys/verify', { cookie, body: { response: await server.authenticator().register(options.json()) } }) : options;
    };
    const spare = await add(owner.cookie);
    expect(spare.statusCode, spare.body).toBe(201);
    // The owner walks away; eleven minutes later someone else holds the tablet.
    server.clock.advance(11 * 60_000);
    const stranger = await add(owner.cookie);
    expect({ status: stranger.statusCode, error: stranger.json<{ error: string }>().error }).toEqual({ status: 403, error: 'reauth_required' });
    const revoke = await server.call('POST', `/api/credentials/${owner.credentialId}/revoke`, { cookie: owner.cookie });
    expect({ status: revoke.statusCode, error: revoke.json<{ error: string }>().error }).toEqual({ status: 403, error: 'reauth_required' });
    expect((await server.call('GET', '/api/auth/passkeys', { cookie: owner.cookie })).json<{ credentials: { revokedAt?: number }[] }>().credentials.filter((c) => c.revokedAt === undefined)).toHaveLength(2);
    // The owner signs in again with their passkey: a fresh session may.
    const again = await signIn(server, owner.authenticator);
    expect(again.statusCode).toBe(200);
    const fresh = sessionCookieOf(again);
    expect((await add(fresh)).statusCode).toBe(201);
    expect((await server.call('POST', `/api/credentials/${owner.credentialId}/revoke`, { cookie: fresh })).statusCode).toBe(200);
  });

  it('answers a signed-out visitor (no cookie) with 200 { session: null }, not an error', async () => {
    const res = await server.call('GET', '/api/auth/session');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ session: null });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers a signed-in one with the session: user, passkey, deadlines', async () => {
    const res = await server.call('GET', '/api/auth/session', { cookie: admin.cookie });
    expect(res.statusCode).toBe(200);
    const { session } = res.json<{ session: { user: { id: string }; credentialId: string; expiresAt: number; idleExpiresAt: number } }>();
    expect(session).toMatchObject({ user: { id: admin.userId }, credentialId: admin.credentialId });
    expect(session.idleExpiresAt).toBeLessThanOrEqual(session.expiresAt);
  });

  it('refuses a request without a session cookie (401 unauthenticated) and a dead cookie (401 session_expired, cleared)', async () => {
    const res = await server.call('GET', '/api/auth/passkeys');
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'unauthenticated' });
    for (const url of ['/api/auth/session', '/api/auth/passkeys']) {
      const forged = await server.call('GET', url, { cookie: 'sealctl_session=forged' });
      expect(forged.statusCode, url).toBe(401);
      expect(forged.json(), url).toMatchObject({ error: 'session_expired' });
      // Cleared, so the browser's next visit is an ordinary signed-out one.
      expect(forged.cookies.find((c) => c.name === 'sealctl_session')?.value, url).toBe('');
    }
  });

  it('expires an idle session, and any session past its absolute end (401 session_expired)', async () => {
    const idle = sessionCookieOf(await signIn(server, admin.authenticator));
    server.clock.advance(server.config.sessionIdleMs + 1);
    const res = await server.call('GET', '/api/auth/session', { cookie: idle });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'session_expired' });

    const busy = sessionCookieOf(await signIn(server, admin.authenticator));
    const start = server.clock.now();
    while (server.clock.now() - start < server.config.sessionMaxMs) {
      server.clock.advance(server.config.sessionIdleMs / 2);
      const step = await server.call('GET', '/api/auth/session', { cookie: busy });
      if (server.clock.now() - start < server.config.sessionMaxMs) expect(step.statusCode).toBe(200);
      else expect(step.json()).toMatchObject({ error: 'session_expired' });
    }
  });

  it('logs out: the session is revoked server-side, the cookie cleared', async () => {
    const cookie = sessionCookieOf(await signIn(server, admin.authenticator));
    const out = await server.call('POST', '/api/auth/logout', { cookie });
    expect(out.statusCode).toBe(204);
    expect(out.cookies.find((c) => c.name === 'sealctl_session')?.value).toBe('');
    // A copy of the old cookie no longer opens anything.
    const res = await server.call('GET', '/api/auth/session', { cookie });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ error: 'session_expired' });
  });

  it('deactivating a user ends their sessions and refuses their passkeys', async () => {
    const cookie = sessionCookieOf(await signIn(server, admin.authenticator));
    const user = await inviteAndRegister(server, cookie, admin.rootUnitId, ['auditor'], 'Zhao Leaving');
    const res = await server.call('POST', `/api/users/${user.userId}/deactivate`, { cookie });
    expect(res.statusCode).toBe(200);
    expect((await server.call('GET', '/api/auth/session', { cookie: user.cookie })).json()).toMatchObject({ error: 'session_expired' });
    expect((await signIn(server, user.authenticator)).json()).toMatchObject({ error: 'user_deactivated' });
  });

  it('sweeps expired sessions and challenges from the store', async () => {
    server.clock.advance(server.config.sessionMaxMs * 2);
    const { sweepExpired } = await import('../../auth/bootstrap');
    const swept = await sweepExpired(server.repos, server.clock.now());
    expect(swept.sessions).toBeGreaterThan(0);
    expect(swept.challenges).toBeGreaterThan(0);
  });

});

describe('a passkey revoked while its owner signs in', () => {
  let testStore: TestStore;
  let server: TestServer;
  /** Runs before the next session of `credentialId` is stored, once; the hashes of the sessions stored. */
  let heldBack: { credentialId: string; meanwhile: () => Promise<void> } | undefined;
  const stored: { tokenHash: string; credentialId: string }[] = [];

  beforeAll(async () => {
    testStore = await startTestStore();
    server = await startTestServer(testStore, {}, {
      sessions: (repo) => ({
        ...repo,
        async create(tokenHash, session) {
          const hold = heldBack?.credentialId === session.credentialId ? heldBack : undefined;
          if (hold) {
            heldBack = undefined;
            await hold.meanwhile();
          }
          await repo.create(tokenHash, session);
          stored.push({ tokenHash, credentialId: session.credentialId });
        },
      }),
    });
  });
  afterAll(async () => {
    await server?.close();
    await testStore?.close();
  });

  let organisation: Awaited<ReturnType<typeof setUpOrganisation>> | undefined;
  const setUpOrganisationOnce = async () => (organisation ??= await setUpOrganisation(server));

  it('opens no session when the revocation lands between the sign-in\'s check and its session', async () => {
    const admin = await setUpOrganisationOnce();
    const branch = await createUnit(server, admin.cookie, admin.rootUnitId, 'Stolen-phone branch');
    const user = await inviteAndRegister(server, admin.cookie, branch, ['staff'], 'Qian Stolen');
    let revocation = 0;
    heldBack = {
      credentialId: user.credentialId,
      // The sign-in has found the passkey valid and verified its assertion; the revocation
      // (ending every session the passkey has opened) lands before this sign-in's session is stored.
      meanwhile: async () => { revocation = (await server.call('POST', `/api/credentials/${user.credentialId}/revoke`, { cookie: admin.cookie })).statusCode; },
    };
    const res = await signIn(server, user.authenticator);
    expect(revocation).toBe(200);
    expect({ status: res.statusCode, error: res.json<{ error: string }>().error }).toEqual({ status: 401, error: 'revoked_credential' });
    expect(res.cookies.filter((c) => c.name.endsWith('sealctl_session') && c.value !== '')).toEqual([]);
    // Every session the passkey opened, this sign-in's included, is ended in the store.
    const ofPasskey = stored.filter((s) => s.credentialId === user.credentialId);
    expect(ofPasskey).toHaveLength(2); // the registration's and this sign-in's
    for (const { tokenHash } of ofPasskey) expect((await server.repos.sessions.get(tokenHash))?.revokedAt).toBeDefined();
    expect((await server.call('GET', '/api/auth/session', { cookie: user.cookie })).statusCode).toBe(401);
    // Another passkey's sign-in at the same time is not touched.
    const other = await signIn(server, admin.authenticator);
    expect(other.statusCode).toBe(200);
    expect((await server.call('GET', '/api/auth/session', { cookie: sessionCookieOf(other) })).statusCode).toBe(200);
  });

  it('opens no session when the owner is deactivated between the sign-in\'s check and its session', async () => {
    const admin = await setUpOrganisationOnce();
    const branch = await createUnit(server, admin.cookie, admin.rootUnitId, `Leaving branch ${stored.length}`);
    const user = await inviteAndRegister(server, admin.cookie, branch, ['staff'], 'Sun Leaving');
    let deactivation = 0;
    heldBack = { credentialId: user.credentialId, meanwhile: async () => { deactivation = (await server.call('POST', `/api/users/${user.userId}/deactivate`, { cookie: admin.cookie })).statusCode; } };
    const res = await signIn(server, user.authenticator);
    expect(deactivation).toBe(200);
    expect({ status: res.statusCode, error: res.json<{ error: string }>().error }).toEqual({ status: 403, error: 'user_deactivated' });
    expect(res.cookies.filter((c) => c.name.endsWith('sealctl_session') && c.value !== '')).toEqual([]);
    const ofPasskey = stored.filter((s) => s.credentialId === user.credentialId);
    expect(ofPasskey).toHaveLength(2);
    for (const { tokenHash } of ofPasskey) expect((await server.repos.sessions.get(tokenHash))?.revokedAt).toBeDefined();
    // Reactivated, they sign in again: nothing of the refused sign-in comes back to life.
    expect((await server.call('POST', `/api/users/${user.userId}/activate`, { cookie: admin.cookie })).statusCode).toBe(200);
    expect((await server.call('GET', '/api/auth/session', { cookie: user.cookie })).statusCode).toBe(401);
    expect((await signIn(server, user.authenticator)).statusCode).toBe(200);
  });
});
