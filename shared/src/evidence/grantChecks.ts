import type { SealBinding } from '../device/orgRecords';
import { checkApprovals } from '../domain/checkApprovals';
import { contentId } from '../domain/contentId';
import { decisionTerms } from '../domain/decision';
import type { Grant } from '../domain/grant';
import { grantMismatch } from '../domain/grantMismatch';
import type { GrantSeal } from '../domain/grantSeal';
import { grantTermsRefusal } from '../domain/grantTermsRefusal';
import type { User } from '../domain/user';
import { approvalsOf } from '../domain/issueGrant';
import { rosterView } from '../policy/rosterView';
import type { EvidenceBundle } from './bundleSchema';
import type { CheckList } from './report';
import { checkDecision, type VerifiedRoster } from './rosterChecks';

const withoutId = <T extends { id: string }>({ id: _id, ...rest }: T): Omit<T, 'id'> => rest;

/** The seal as the device judged grants: from its org-signed binding. */
export const bindingGrantSeal = (binding: SealBinding): GrantSeal => ({
  sealId: binding.sealId,
  deviceId: binding.deviceId,
  route: binding.route,
  custodianId: binding.custodianId,
  unitId: binding.sealUnitPath[0]!,
});

/** The grant's own content address and its decisions': a changed byte of any term or approval changes them. */
async function checkGrantIds(grant: Grant, subject: string, list: CheckList): Promise<boolean> {
  const own = await contentId(withoutId(grant));
  if (own !== grant.id) return list.fail('grant.content', subject, `the grant's content address is ${own}, not its id: its terms or approvals were changed`);
  for (const decision of grant.decisions) {
    const id = await contentId(withoutId(decision));
    if (id !== decision.id) return list.fail('grant.content', subject, `decision "${decision.id}" is not the content address of its body (${id}): it was changed`);
  }
  return list.pass('grant.content', subject, `the grant is its content address: the one the device names`);
}

/** The grant's terms are the request's approved terms, for this seal, device and holder (what the device enforced). */
function checkGrantTerms(grant: Grant, bundle: EvidenceBundle, subject: string, list: CheckList): boolean {
  const { request, device, binding } = bundle;
  const mismatch = grantMismatch(grant, request);
  if (mismatch !== null) return list.fail('grant.terms', subject, mismatch);
  if (grant.deviceId !== device.id) return list.fail('grant.terms', subject, `grant is for device "${grant.deviceId}", not "${device.id}"`);
  const refusal = grantTermsRefusal(grant, approvalsOf(grant.decisions), bindingGrantSeal(binding.record));
  if (refusal !== null) return list.fail('grant.terms', subject, `${refusal.code}: ${refusal.message}`);
  const fence = grant.geofence === undefined ? 'no geofence' : `geofence ${grant.geofence.lat},${grant.geofence.lon} r=${grant.geofence.radiusM} m`;
  return list.pass('grant.terms', subject, `${grant.uses} use(s), ${new Date(grant.window.notBefore).toISOString()} – ${new Date(grant.window.notAfter).toISOString()}, seal ${grant.sealId}, device ${grant.deviceId}, holder ${grant.holderId}, ${fence}: the request's approved terms`);
}

/**
 * A grant: its content, its terms against the request, every decision against the roster in
 * force when it was made, and the seal's route met by approvers who held the authority then
 * (`checkApprovals` over the signed binding's route, custodian and unit path).
 */
export async function checkGrant(grant: Grant, bundle: EvidenceBundle, rosters: readonly VerifiedRoster[], list: CheckList): Promise<boolean> {
  const subject = `grant ${grant.id.slice(0, 12)}…`;
  const idsHold = await checkGrantIds(grant, subject, list);
  const termsHold = checkGrantTerms(grant, bundle, subject, list);
  const users = new Map<string, User>();
  let decisionsHold = true;
  for (const decision of grant.decisions) {
    const inForce = await checkDecision(decision, rosters, list);
    if (inForce === undefined) {
      decisionsHold = false;
      continue;
    }
    const user = rosterView(inForce.roster).user(decision.approverId);
    if (user !== undefined) users.set(user.id, user);
  }
  const { binding, request } = bundle;
  const check = checkApprovals(
    { terms: decisionTerms(request), route: binding.record.route, sealUnitChain: binding.record.sealUnitPath, custodianId: binding.record.custodianId, users: [...users.values()] },
    grant.decisions,
  );
  const ignored = check.ignored.map((i) => `${i.decisionId.slice(0, 12)}… by ${i.approverId}: ${i.reason}`);
  const routeHolds = check.outcome === 'approved' && ignored.length === 0 && decisionsHold
    ? list.pass('grant.approvals', subject, `approved by ${check.approvedBy.join(', ')}: the ${binding.record.route.sealKind} seal's route (${binding.record.route.minApprovals} approver(s), not only the custodian) met by approvers holding the role over the seal's unit when they decided`)
    : list.fail('grant.approvals', subject, `the route is not met by valid approvals: outcome ${check.outcome}${ignored.length > 0 ? `; not counted: ${ignored.join('; ')}` : ''}${decisionsHold ? '' : '; a decision does not verify'}`);
  return idsHold && termsHold && decisionsHold && routeHolds;
}
