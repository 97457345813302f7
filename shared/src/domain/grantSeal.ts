import { approvalRouteFor, type ApprovalRoute } from './approvalRoute';
import type { DeviceId, SealId, UnitId, UserId } from './ids';
import type { Seal } from './seal';
import type { SealRecord } from '../sync/recordSchemas';

/**
 * What a judge of a grant must know about the seal: which seal, the device it is locked in, the
 * approval route of its kind, its custodian and its unit. The app and the server take it from
 * the seal's record (`grantSealOf`); the seal device from its signed binding. Either way the
 * grant is judged by the same rule (`judgeGrantEvidence`).
 */
export interface GrantSeal {
  readonly sealId: SealId;
  /** The device the seal is locked in; `null` for a seal in none (an electronic seal, or not yet bound). */
  readonly deviceId: DeviceId | null;
  readonly route: ApprovalRoute;
  readonly custodianId: UserId;
  readonly unitId: UnitId;
}

/** The seal as a grant's judge sees it, from its record (the route of its kind). */
export function grantSealOf(seal: Seal | SealRecord, routes?: readonly ApprovalRoute[]): GrantSeal {
  return {
    sealId: seal.id,
    deviceId: seal.form === 'physical' ? seal.deviceId : null,
    route: approvalRouteFor(seal.kind, routes),
    custodianId: seal.custodianId,
    unitId: seal.unitId,
  };
}
