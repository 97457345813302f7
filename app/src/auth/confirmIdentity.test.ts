import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api/ApiError';

const calls: string[] = [];
let signedInAs = 'usr-owner';
vi.mock('../api/auth', () => ({
  loginOptions: () => { calls.push('loginOptions'); return Promise.resolve({ challenge: 'c' }); },
  loginVerify: () => { calls.push('loginVerify'); return Promise.resolve({ user: { id: signedInAs }, expiresAt: 0 }); },
}));
vi.mock('./passkeyCeremonies', () => ({ usePasskey: () => { calls.push('usePasskey'); return Promise.resolve({ id: 'cred' }); } }));

const { IdentityNotConfirmed, withConfirmedIdentity } = await import('./confirmIdentity');

const reauth = () => new ApiError({ status: 403, code: 'reauth_required', message: 'sign in again', cause: undefined });

beforeEach(() => {
  calls.length = 0;
  signedInAs = 'usr-owner';
});

describe('withConfirmedIdentity', () => {
  it('runs the action once when the sign-in is recent, asking for no passkey', async () => {
    const action = vi.fn(() => Promise.resolve('done'));
    await expect(withConfirmedIdentity('usr-owner', action, () => calls.push('confirming'))).resolves.toBe('done');
    expect(action).toHaveBeenCalledTimes(1);
    expect(calls).toEqual([]);
  });

  it('on reauth_required, signs in again with a passkey of the same person, then runs the action again', async () => {
    const action = vi.fn().mockRejectedValueOnce(reauth()).mockResolvedValueOnce('done');
    await expect(withConfirmedIdentity('usr-owner', action, () => calls.push('confirming'))).resolves.toBe('done');
    expect(action).toHaveBeenCalledTimes(2);
    expect(calls).toEqual(['confirming', 'loginOptions', 'usePasskey', 'loginVerify']);
  });

  it("does nothing when another person's passkey answers", async () => {
    signedInAs = 'usr-stranger';
    const action = vi.fn().mockRejectedValueOnce(reauth()).mockResolvedValueOnce('done');
    await expect(withConfirmedIdentity('usr-owner', action, () => undefined)).rejects.toBeInstanceOf(IdentityNotConfirmed);
    expect(action).toHaveBeenCalledTimes(1);
  });

  it('passes any other failure on, asking for no passkey', async () => {
    const action = vi.fn().mockRejectedValueOnce(new ApiError({ status: 403, code: 'forbidden', message: 'no', cause: undefined }));
    await expect(withConfirmedIdentity('usr-owner', action, () => calls.push('confirming'))).rejects.toMatchObject({ code: 'forbidden' });
    expect(calls).toEqual([]);
  });
});
