import {
  can, isInSubtree, refuse, ok,
  type Action, type ConfiguredRoute, type PolicyRefusalCode, type PolicyTarget, type Refusal, type Result, type Roster, type SyncRefusalCode, type SyncRow, type UnitId, type User,
} from '@seal/shared';
import type { AuditEntry } from '../couch/auditLog';
import type { UserDoc } from '../couch/model';
import { asPolicyUser, type UnitTree } from '../auth/scope';
import type { CertificatesRepo } from '../couch/certificatesRepo';
import type { DeviceKeyCache } from './deviceSignature';
import type { RecordStates } from './recordStates';
import type { RowsRepo } from './rowsRepo';

/** The audit record of one pushed row, less its actor (the pusher's session). */
export type RowAudit = Omit<AuditEntry, 'actor' | 'change'>;

/** What validating one push needs: who pushes, the tree, the records touched, the roster (lazily). */
export interface PushContext {
  readonly user: UserDoc;
  readonly tree: UnitTree;
  /** The server's clock when the push arrived (what dated rules judge against). */
  readonly now: number;
  /** The Automerge actor prefix of the session user (see `actorPrefix`). */
  readonly actorPrefix: string;
  readonly records: RecordStates;
  /** Device keys imported so far in this push. */
  readonly deviceKeys: DeviceKeyCache;
  roster(): Promise<Roster>;
  /** The stored rows (facts an impression is judged against: its grant, the request's impressions). */
  readonly rows: RowsRepo;
  /** The signing certificates the organisation CA issued (ADR 008). */
  readonly certificates: CertificatesRepo;
  /** Fact rows accepted earlier in this push, by row id. */
  readonly pushed: Map<string, SyncRow>;
  /** The approval routes administrators set (ADR 009); none when absent (the defaults apply). */
  routes?(): Promise<readonly ConfiguredRoute[]>;
  /**
   * The audit records of the rows judged acceptable, by row id: what a seal's or a device's record
   * became (created, edited) and a seal's lifecycle moves. Noted while judging; appended once the
   * store took the row for the first time (see pushRows), never for a copy it held already.
   */
  readonly audits?: Map<string, RowAudit>;
  /**
   * Writes the batch's rows through `write`, and chains the audit records `owed` for the rows it
   * wrote, as the pusher — owed noted before the write, so that neither a failed audit log nor a
   * crash between the two leaves a stored row unaudited (see `RowAudits`).
   */
  auditRows?<T>(owed: readonly { readonly rowId: string; readonly audit: RowAudit }[], write: () => Promise<{ readonly result: T; readonly written: ReadonlySet<string> }>): Promise<T>;
  /** Revokes a seal's live signing certificates (the seal left `active`; ADR 008), audited as the pusher. */
  revokeSealCertificates?(sealId: string, reason: string): Promise<number>;
}

/** A row's verdict: accepted (`ok(undefined)`) or refused with a code the app shows. */
export type RowVerdict = Result<void, Refusal<SyncRefusalCode>>;
export const ACCEPT: RowVerdict = ok(undefined);

const POLICY_CODES: Readonly<Record<PolicyRefusalCode, SyncRefusalCode>> = {
  inactive_user: 'inactive_user',
  not_permitted: 'not_permitted',
  out_of_scope: 'out_of_scope',
  not_own_request: 'not_own_request',
  self_decision: 'self_decision',
  not_grant_holder: 'not_permitted',
  seal_custodian_excluded: 'seal_custodian_excluded',
  missing_target: 'not_permitted',
};

/** The domain policy (`can`) as a row verdict. */
export function allowed(user: User | UserDoc, action: Action, target: PolicyTarget, tree: UnitTree): RowVerdict {
  const outcome = can(asPolicyUser(user as UserDoc), action, target, tree);
  return outcome.ok ? ACCEPT : refuse(POLICY_CODES[outcome.error.code], outcome.error.message);
}

/** Whether the user holds any role on a unit whose subtree contains `unitId` (what pulling needs too). */
export function covers(user: UserDoc, unitId: string, tree: UnitTree): RowVerdict {
  if (!user.active) return refuse('inactive_user', `expected an active user, got the deactivated user "${user.id}"`);
  if (!tree.has(unitId as UnitId)) return refuse('out_of_scope', `expected a known unit, got "${unitId}"`);
  if (user.grants.some((g) => isInSubtree(unitId as UnitId, g.unitId, tree))) return ACCEPT;
  return refuse('out_of_scope', `expected a role on a unit containing "${unitId}", got ${user.grants.map((g) => `${g.role}@${g.unitId}`).join(', ') || 'none'}`);
}

/** `refuse` with a sync refusal code. */
export const refuseRow = (code: SyncRefusalCode, message: string): RowVerdict => refuse(code, message);
