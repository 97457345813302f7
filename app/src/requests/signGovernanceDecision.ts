import {
  assertionChallenge, governanceDecisionPayload, toBase64Url,
  type GovernanceDecisionPayload, type GovernanceRequest, type Verdict, type WebAuthnAssertion,
} from '@seal/shared';
import { usePasskey } from '../auth/passkeyCeremonies';

/**
 * The approver confirms a verdict on a governance request with their passkey, exactly as on a use
 * request (`signDecision`): the challenge is `assertionChallenge` of the payload — the request,
 * who asked, the seal, the action, the proposed change and the verdict — so what the approver saw
 * is what they signed. The server checks the signature against the roster and counts it.
 */
export async function signGovernanceDecision(request: GovernanceRequest, verdict: Verdict, rpId = location.hostname): Promise<{ payload: GovernanceDecisionPayload; assertion: WebAuthnAssertion }> {
  const payload = governanceDecisionPayload(request, verdict);
  const response = await usePasskey({
    challenge: toBase64Url(await assertionChallenge(payload)),
    rpId,
    userVerification: 'required',
    timeout: 120_000,
    allowCredentials: [],
  });
  const assertion = {
    credentialId: response.rawId,
    authenticatorData: response.response.authenticatorData,
    clientDataJSON: response.response.clientDataJSON,
    signature: response.response.signature,
    ...(response.response.userHandle ? { userHandle: response.response.userHandle } : {}),
  };
  return { payload, assertion };
}
