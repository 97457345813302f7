import { loginOptions, loginVerify } from '../api/auth';
import { ApiError } from '../api/ApiError';
import { usePasskey } from './passkeyCeremonies';

/** The person who signed in to confirm is not the one whose session asked (another passkey was used). */
export class IdentityNotConfirmed extends Error {}

/**
 * Runs `action`; when the server asks for a recent sign-in first (`reauth_required`: adding or
 * revoking a passkey), signs in again with a passkey — the session then is a fresh one of the same
 * person, or nothing is done — and runs it once more. `onConfirming` says when the passkey is asked.
 */
export async function withConfirmedIdentity<T>(userId: string, action: () => Promise<T>, onConfirming: () => void): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'reauth_required') throw error;
  }
  onConfirming();
  const signedIn = await loginVerify(await usePasskey(await loginOptions()));
  if (signedIn.user.id !== userId) throw new IdentityNotConfirmed(`signed in as "${signedIn.user.id}", not "${userId}"`);
  return action();
}
