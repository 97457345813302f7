import {
  err,
  grantTermsRefusal,
  isInsideGeofence,
  ok,
  revocationRefusal,
  type DeviceId,
  type Position,
  type Refusal,
  type Result,
  type RevocationList,
  type Roster,
} from '@seal/shared';
import type { DeviceErrorCode } from '../protocol/codes';
import type { RequestOf } from '../protocol/messages';
import type { SealBinding } from '../protocol/orgRecords';
import { evidenceGrantId } from '../protocol/grantWire';
import { unlockRecord } from '../protocol/unlockRecord';
import { asDeviceRefusal, checkApprovalsOffline, evidenceApprovals } from './checkApprovalsOffline';
import { checkHolder } from './checkHolder';
import { checkNonce } from './checkNonce';
import { bindingGrantSeal, credentialOwner } from './rosterPolicy';

/** What the device knows when an unlock arrives: all of it its own. */
export interface UnlockContext {
  readonly deviceId: DeviceId;
  readonly binding: SealBinding | null;
  readonly roster: Roster | null;
  /** The org-signed revocation list in force, if any (PROTOCOL.md §5 "Revocations"). */
  readonly revocations: RevocationList | null;
  /** The device clock. */
  readonly now: number;
  readonly position: Position | null;
  /** Uses already made under a request (the non-volatile counter). */
  readonly used: (requestId: string) => number;
  /** The nonce that was outstanding when the command arrived (already taken: single use). */
  readonly nonce: { readonly value: Uint8Array; readonly expiresAt: number } | null;
  /** Nonces the device issued and consumed before (most recent first). */
  readonly spentNonces: readonly Uint8Array[];
}

/** What an accepted unlock opens. */
export interface Admission {
  readonly usesLeft: number;
  readonly approvedBy: readonly string[];
}

type Outcome = Result<Admission, Refusal<DeviceErrorCode>>;
const no = (code: DeviceErrorCode, message: string): Outcome => err({ code, message });

/**
 * Judges an unlock offline, cheapest checks first (so junk costs little and the reason given is
 * the useful one): nonce; binding and roster present; grant names this device and its seal and
 * keeps to the approved terms (the shared `grantTermsRefusal`); window by the device clock; uses
 * left by the device counter; geofence by the device position; the revocation list (the shared
 * `revocationRefusal`: held, fresh, and naming neither the seal, the request, the holder nor an
 * approver); the holder's assertion; the approvals (the shared `judgeGrantEvidence`, the rule the
 * app and the server run too); last, that the grant's id is its content address, rebuilt from
 * the terms and the decisions (`grant_mismatch`, "grant_id_mismatch").
 */
export async function checkUnlock(ctx: UnlockContext, command: RequestOf<'unlock'>): Promise<Outcome> {
  const nonceRefusal = checkNonce(ctx, command.nonce);
  if (nonceRefusal !== null) return nonceRefusal;
  const { binding, roster } = ctx;
  const g = command.grant;
  if (binding === null) return no('not_bound', 'no seal is bound to this device');
  if (roster === null) return no('roster_missing', 'no roster is installed');
  if (g.deviceId !== ctx.deviceId) return no('wrong_device', `grant for device "${g.deviceId}", this is "${ctx.deviceId}"`);
  // The shared grant rule's cheap part first (seal, device, approvals only, terms as approved); the
  // whole rule, signatures and authority included, runs with the holder's check below.
  const terms = grantTermsRefusal(g, evidenceApprovals(g, command.approvals), bindingGrantSeal(binding));
  if (terms !== null) return err(asDeviceRefusal(terms));

  if (ctx.now < g.window.notBefore) return no('window_not_yet_valid', `valid from ${g.window.notBefore}, device clock ${ctx.now}`);
  if (ctx.now > g.window.notAfter) return no('window_expired', `valid until ${g.window.notAfter}, device clock ${ctx.now}`);
  const used = ctx.used(g.requestId);
  if (used >= g.uses) return no('uses_exhausted', `${used} of ${g.uses} uses made under request "${g.requestId}"`);
  if (g.geofence !== undefined) {
    if (ctx.position === null) return no('no_position', 'no GNSS fix: the geofence cannot be checked');
    if (!isInsideGeofence(ctx.position, g.geofence)) return no('outside_geofence', `position ${ctx.position.lat},${ctx.position.lon} ±${ctx.position.accuracyM ?? 0} m is outside the geofence`);
  }

  // What the organisation stopped since the approvals: the list any tablet carried here. The
  // approvals travel bare, so their approvers are the roster owners of the passkeys they name (as
  // the holder is the grant's, both before any signature is checked): an approval verifies only
  // with its owner's passkey, and every approval carried must count, so a listed owner stops the
  // grant whatever the signatures say.
  const approverIds = command.approvals.flatMap((a) => credentialOwner(roster, a.credentialId)?.id ?? []);
  const revoked = revocationRefusal(ctx.revocations, { sealId: binding.sealId, requestId: g.requestId, holderId: g.holderId, approverIds }, ctx.now);
  if (revoked !== null) return err(revoked);

  // The holder and the approvals are independent: checked together, the holder's refusal first.
  const [holder, approvals] = await Promise.all([
    checkHolder(roster, unlockRecord(ctx.deviceId, command.nonce, g.requestId, g.holderId), command.holder),
    checkApprovalsOffline(roster, binding, g, command.approvals),
  ]);
  if (!holder.ok) return holder;
  if (!approvals.ok) return approvals;
  // The id the device logs its unlock and stamps under must be the grant these approvals make
  // (its content address), not one the tablet chose: the records find a stamp's grant by it.
  const ownId = await evidenceGrantId(g, command.approvals, command.approvals.map((a) => credentialOwner(roster, a.credentialId)?.id ?? ''));
  if (ownId !== g.id) return no('grant_mismatch', `grant_id_mismatch: expected the grant's id to be the content address of its terms and decisions${ownId === null ? ` (${g.decisions.length} decision(s) described for ${command.approvals.length} approval(s))` : ` "${ownId}"`}, got "${g.id}"`);
  return ok({ usesLeft: g.uses - used, approvedBy: approvals.value });
}
