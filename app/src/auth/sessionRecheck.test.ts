import { describe, expect, it, vi } from 'vitest';
import type { SessionView } from '@seal/shared';
import { recheckSession } from './sessionRecheck';

const session = (roles: { role: string; unitId: string }[], idleExpiresAt = 1): SessionView =>
  ({ user: { id: 'usr-1', name: 'Li', unitId: 'unit-site', roles, active: true }, credentialId: 'cred-1', expiresAt: 9, idleExpiresAt }) as unknown as SessionView;

function authHolding(held: SessionView | null, fromCache = false) {
  const refresh = vi.fn(() => Promise.resolve());
  return { auth: { session: () => held, sessionFromCache: () => fromCache, refresh }, refresh };
}

describe('recheckSession', () => {
  const approver = [{ role: 'approver', unitId: 'unit-site' }];

  it('refreshes the session when the server says the roles changed (an approver role revoked)', async () => {
    const { auth, refresh } = authHolding(session(approver));
    await recheckSession(auth, () => Promise.resolve(session([])));
    expect(refresh).toHaveBeenCalledTimes(1);
  });

  it('refreshes when the cookie no longer opens a session, or opens another one', async () => {
    for (const answer of [null, { ...session(approver), credentialId: 'cred-2' }]) {
      const { auth, refresh } = authHolding(session(approver));
      await recheckSession(auth, () => Promise.resolve(answer));
      expect(refresh).toHaveBeenCalledTimes(1);
    }
  });

  it('leaves the session alone when only its idle deadline moved, when offline, and when nobody is signed in', async () => {
    const same = authHolding(session(approver, 1));
    await recheckSession(same.auth, () => Promise.resolve(session(approver, 2)));
    const offline = authHolding(session(approver));
    await recheckSession(offline.auth, () => Promise.reject(new TypeError('Failed to fetch')));
    const nobody = authHolding(null);
    const asked = vi.fn(() => Promise.resolve(null));
    await recheckSession(nobody.auth, asked);
    const cached = authHolding(session(approver), true);
    await recheckSession(cached.auth, asked);
    expect([same.refresh, offline.refresh, nobody.refresh, cached.refresh].map((r) => r.mock.calls.length)).toEqual([0, 0, 0, 0]);
    expect(asked).not.toHaveBeenCalled();
  });
});
