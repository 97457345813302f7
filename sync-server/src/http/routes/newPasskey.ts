import { defaultPasskeyLabel } from '@seal/shared';
import type { ChangeTx } from '../../couch/changeJournal';
import { credentialDocId } from '../../couch/credentialsRepo';
import type { CredentialDoc } from '../../couch/model';
import type { NewCredential } from '../../auth/webauthn';
import { ApiError } from '../errors';

/**
 * The record of a passkey just registered (setup, invitation, another passkey): its label, or
 * the default one numbered `nth` among the user's passkeys. A first passkey signs its owner in
 * at once, so it is `used` now.
 */
export function newPasskey(registered: NewCredential, userId: string, label: string | undefined, nth: number, now: number, used: boolean): CredentialDoc {
  return { type: 'credential', ...registered, userId, label: label || defaultPasskeyLabel(nth), createdAt: now, ...(used ? { lastUsedAt: now } : {}) };
}

/** Refuses (409 `credential_exists`), within `tx`, a passkey already registered. */
export async function refuseKnownPasskey(tx: ChangeTx, credential: CredentialDoc): Promise<void> {
  if (await tx.read('credentials', credentialDocId(credential.id))) throw new ApiError(409, 'credential_exists', 'This passkey is already registered');
}
