import {
  assertionChallenge, CodedError, decisionPayload, toBase64Url,
  type Decision, type Roster, type UseRequest, type UserId, type Verdict, type WebAuthnAssertion,
} from '@seal/shared';
import { usePasskey } from '../auth/passkeyCeremonies';

/** Why a passkey signature could not be used for a decision (the ceremony itself fails with a `PasskeyError`). */
export type DecisionSigningCode = 'not_your_passkey' | 'signature_invalid';

export class DecisionSigningError extends CodedError<DecisionSigningCode> {
  override readonly name = 'DecisionSigningError';
}

/** A decision before its content address is added (the local store computes it). */
export type DecisionBody = Omit<Decision, 'id'>;

/**
 * The approver's passkey assertion over a decision payload (a use request's or a governance
 * request's): the challenge is `assertionChallenge` of the payload, so what was shown is what is
 * signed. Any passkey of this site may be offered (a discoverable credential, as at sign-in): the
 * held roster may not list a passkey added since.
 */
export async function assertWithPasskey(payload: unknown, rpId: string): Promise<WebAuthnAssertion> {
  const response = await usePasskey({
    challenge: toBase64Url(await assertionChallenge(payload)),
    rpId,
    userVerification: 'required',
    timeout: 120_000,
    allowCredentials: [],
  });
  return {
    credentialId: response.rawId,
    authenticatorData: response.response.authenticatorData,
    clientDataJSON: response.response.clientDataJSON,
    signature: response.response.signature,
    ...(response.response.userHandle ? { userHandle: response.response.userHandle } : {}),
  };
}

/**
 * The approver confirms a verdict with their passkey: a WebAuthn assertion whose challenge is
 * `assertionChallenge(decisionPayload(request, verdict))` — the request's terms and the verdict —
 * so it verifies later against the signed roster, at the server and on the seal device, offline.
 * When this device holds the roster, the assertion is checked here first (with the same code the
 * server runs): a passkey of someone else, or a signature that does not verify, is never recorded.
 * A passkey the held roster does not know yet (added since it was fetched) is left to the server.
 */
export async function signDecision(options: {
  readonly request: UseRequest;
  readonly verdict: Verdict;
  readonly approverId: UserId;
  readonly comment?: string;
  readonly roster?: Roster;
  readonly now: () => number;
}): Promise<DecisionBody> {
  const payload = decisionPayload(options.request, options.verdict);
  // The check's code (a lazy chunk) starts loading before the prompt: it is ready once the
  // approver has confirmed, and is not loaded at all when there is no roster to check against.
  const rules = options.roster === undefined ? undefined : import('./passkeyRules');
  rules?.catch(() => undefined);
  // Whose passkey it was is checked below, against the held roster.
  const assertion = await assertWithPasskey(payload, options.roster?.rpId ?? location.hostname);
  if (options.roster !== undefined && rules !== undefined) {
    const { verifyAssertionWithRoster } = await rules;
    const verified = await verifyAssertionWithRoster({ assertion, expected: { record: payload } }, options.roster);
    if (verified.ok && verified.value.userId !== options.approverId) {
      throw new DecisionSigningError('not_your_passkey', `expected a passkey of "${options.approverId}", got one of "${verified.value.userId}"`);
    }
    if (!verified.ok && verified.error.code !== 'unknown_credential') {
      throw new DecisionSigningError('signature_invalid', `${verified.error.code}: ${verified.error.message}`);
    }
  }
  const comment = options.comment?.trim() ?? '';
  return { approverId: options.approverId, payload, assertion, ...(comment === '' ? {} : { comment }), at: options.now() };
}
