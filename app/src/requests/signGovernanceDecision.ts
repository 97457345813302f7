import { governanceDecisionPayload, type GovernanceDecisionPayload, type GovernanceRequest, type Verdict, type WebAuthnAssertion } from '@seal/shared';
import { assertWithPasskey } from './signDecision';

/**
 * The approver confirms a verdict on a governance request with their passkey, exactly as on a use
 * request (`assertWithPasskey`): the payload names the request, who asked, the seal, the action,
 * the proposed change and the verdict, so what the approver saw is what they signed. The server
 * checks the signature against the roster and counts it.
 */
export async function signGovernanceDecision(request: GovernanceRequest, verdict: Verdict, rpId = location.hostname): Promise<{ payload: GovernanceDecisionPayload; assertion: WebAuthnAssertion }> {
  const payload = governanceDecisionPayload(request, verdict);
  return { payload, assertion: await assertWithPasskey(payload, rpId) };
}
