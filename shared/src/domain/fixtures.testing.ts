/**
 * Fixtures for the domain's tests: a small organisation (HQ → two branches → sites), its people,
 * seals, a request, and builders for decisions, grants, stamps and lifecycle changes. Test-only
 * (imported by `*.test.ts`), never by product code.
 */
import { decisionPayload, type Decision, type Verdict } from './decision';
import { GENESIS_PREV_HASH, type StampEvent } from './deviceEvent';
import { grantBody, type Grant } from './grant';
import {
  asId,
  cancellationIdSchema,
  decisionIdSchema,
  deviceIdSchema,
  grantIdSchema,
  requestIdSchema,
  sealIdSchema,
  unitIdSchema,
  userIdSchema,
  type DeviceId,
  type GrantId,
  type RequestId,
  type UnitId,
  type UserId,
} from './ids';
import type { OrgUnit } from './orgUnit';
import type { Role } from './role';
import type { PhysicalSeal, SealStatus } from './seal';
import { sealStatusChangeId, type SealStatusChange } from './sealStatusChange';
import type { UseRequest } from './useRequest';
import type { User } from './user';
import type { Cancellation } from './cancellation';
import type { Position } from './geo';
import type { Millis } from './primitives';

export const unit = (id: string): UnitId => asId(unitIdSchema, id);
export const userId = (id: string): UserId => asId(userIdSchema, id);

/** HQ → B1 → S1 (with a geofence), HQ → B2 → S2. */
export const UNITS: readonly OrgUnit[] = [
  { id: unit('HQ'), name: '集团总部', kind: 'hq', parentId: null },
  { id: unit('B1'), name: '华东分公司', kind: 'branch', parentId: unit('HQ') },
  { id: unit('B2'), name: '西南分公司', kind: 'branch', parentId: unit('HQ') },
  { id: unit('S1'), name: '杭州项目部', kind: 'site', parentId: unit('B1'), geofence: { lat: 30.25, lon: 120.17, radiusM: 500 } },
  { id: unit('S2'), name: '成都项目部', kind: 'site', parentId: unit('B2') },
];

/** A user holding the given grants (`role@unit`). */
export function person(id: string, ...grants: `${Role}@${string}`[]): User {
  return {
    id: userId(id),
    name: id,
    unitId: unit(grants[0]?.split('@')[1] ?? 'HQ'),
    active: true,
    grants: grants.map((g) => {
      const [role, unitId] = g.split('@') as [Role, string];
      return { role, unitId: unit(unitId) };
    }),
  };
}

export const admin = person('admin', 'admin@HQ');
export const custodian = person('custodian', 'custodian@B1');
export const approverB1 = person('approver-b1', 'approver@B1');
export const approverHQ = person('approver-hq', 'approver@HQ');
export const approverB2 = person('approver-b2', 'approver@B2');
/** Staff at S1 who is also an approver on B1. */
export const staffApprover = person('staff-approver', 'staff@S1', 'approver@B1');
export const custodianApprover = person('custodian-approver', 'custodian@B1', 'approver@B1');
export const staff = person('staff', 'staff@S1');
export const auditor = person('auditor', 'auditor@HQ');
export const USERS: readonly User[] = [admin, custodian, approverB1, approverHQ, approverB2, staffApprover, custodianApprover, staff, auditor];

export const DEVICE: DeviceId = asId(deviceIdSchema, 'dev-1');

/** B1's contract seal (one approval), kept by `custodian-approver`, in device `dev-1`. */
export const contractSeal: PhysicalSeal = {
  id: asId(sealIdSchema, 'seal-contract-b1'),
  name: '华东分公司合同专用章',
  kind: 'contract',
  form: 'physical',
  unitId: unit('B1'),
  custodianId: custodianApprover.id,
  status: 'active',
  createdAt: 1_000,
  antiCounterfeitCode: '3301020012345',
  deviceId: DEVICE,
};

export const T0 = 1_700_000_000_000;
export const HOUR = 3_600_000;

/** `staff` asks to use the contract seal 2 times, from T0 to T0 + 24 h, inside S1's fence. */
export const request: UseRequest = {
  id: asId(requestIdSchema, 'req-1'),
  requesterId: staff.id,
  unitId: unit('S1'),
  sealId: contractSeal.id,
  document: { title: '钢材采购合同', sha256: 'ab'.repeat(32), pages: 12 },
  copies: 2,
  purpose: '与供应商签订采购合同',
  usesRequested: 2,
  window: { notBefore: T0, notAfter: T0 + 24 * HOUR },
  place: { unitId: unit('S1'), geofence: { lat: 30.25, lon: 120.17, radiusM: 500 } },
  createdAt: T0 - HOUR,
};

const fakeAssertion = (seed: string) => ({
  credentialId: `cred-${seed}`,
  authenticatorData: 'SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAQ',
  clientDataJSON: 'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0In0',
  signature: 'MEUCIQDx',
});

/** A decision by `approver` on `req` (over its current terms unless `terms` is given). */
export function decide(req: UseRequest, approver: User, verdict: Verdict, at: Millis = T0 - 30 * 60_000, terms: UseRequest = req): Decision {
  return {
    id: asId(decisionIdSchema, `d-${approver.id}-${verdict}-${at}`),
    approverId: approver.id,
    payload: { ...decisionPayload(terms, verdict), requestId: req.id },
    assertion: fakeAssertion(`${approver.id}-${at}`),
    at,
  };
}

/** A grant for `req` built from its approving decisions. */
export function grantFor(req: UseRequest, decisions: readonly Decision[], id = 'g-1'): Grant {
  const body = grantBody(req, contractSeal, decisions);
  if (!body.ok) throw new Error(body.error.message);
  return { ...body.value, id: asId(grantIdSchema, id) };
}

/** A stamp by `device` (seq, at) under a request and grant. */
export function stampEvent(
  seq: number,
  at: Millis,
  options: { requestId?: RequestId | null; grantId?: GrantId | null; device?: DeviceId; position?: Position } = {},
): StampEvent {
  const event: StampEvent = {
    deviceId: options.device ?? DEVICE,
    seq,
    prevHash: GENESIS_PREV_HASH,
    at,
    type: 'stamp',
    payload: {
      requestId: options.requestId === undefined ? request.id : options.requestId,
      grantId: options.grantId === undefined ? asId(grantIdSchema, 'g-1') : options.grantId,
      useIndex: seq,
      photoSha256: 'cd'.repeat(32),
    },
    signature: 'A'.repeat(86),
  };
  return options.position === undefined ? event : { ...event, payload: { ...event.payload, position: options.position } };
}

/** A lifecycle change of the contract seal. */
export function sealChange(from: SealStatus | null, to: SealStatus, at: Millis, by: User = admin, role: Role = 'admin'): SealStatusChange {
  return { id: sealStatusChangeId(contractSeal.id, from, to, by.id, at), sealId: contractSeal.id, from, to, actorId: by.id, actorRole: role, reason: 'test', at };
}

/** A cancellation of `req` by `by` at `at`. */
export function cancel(req: UseRequest, by: User, at: Millis): Cancellation {
  return { id: asId(cancellationIdSchema, `${req.id}:cancel:${by.id}:${at}`), requestId: req.id, actorId: by.id, reason: '不再需要', at };
}
