import type { Refusal, Roster } from '@seal/shared';
import type { DeviceErrorCode } from '../protocol/codes';
import type { SealBinding } from '../protocol/orgRecords';
import { checkApprovalsOffline } from './checkApprovalsOffline';
import { holderStandingRefusal } from './checkHolder';
import type { Session } from './DeviceCore';

/**
 * Whether the session in progress still stands under a newer roster or binding, judged by the
 * unlock's own rules, not a copy of them: the holder's passkey and role (`holderStandingRefusal`,
 * the roster half of `checkHolder`), then the grant's approvals (`checkApprovalsOffline`, the
 * shared `judgeGrantEvidence`): an approver whose passkey was revoked, who left the roster or lost
 * their authority over the seal's unit, or a route the remaining approvals no longer meet. `null`
 * when an unlock with this grant would still pass on these counts; the refusal otherwise.
 */
export async function sessionStandingRefusal(roster: Roster, binding: SealBinding, session: Session): Promise<Refusal<string> | null> {
  const holder = holderStandingRefusal(roster, session.holderId, session.holderCredentialId);
  if (holder !== null) return holder;
  const approvals = await checkApprovalsOffline(roster, binding, session.evidence.grant, session.evidence.approvals);
  return approvals.ok ? null : (approvals.error satisfies Refusal<DeviceErrorCode>);
}
