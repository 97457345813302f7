import type { Units } from '../domain/orgTree';
import type { UnitId } from '../domain/ids';
import type { User } from '../domain/user';
import { err, type Refusal, type Result } from '../result';
import { can, type Permit, type PolicyRefusalCode } from './can';

export type RequestSealRefusalCode = PolicyRefusalCode | 'unknown_seal';

/**
 * May `actor` file (or edit) a request naming the seal `sealId`, held as `seal` (`undefined`: not
 * recorded)? Only a recorded seal, and only where the actor may ask for seals: `request.create`
 * over the seal's unit, besides `request.create` over the request's own unit (the record's rule).
 * So staff ask for the seals of their units — a site's staff for the site's seals, a branch's
 * staff for the branch's and its sites' — never another branch's, whose card a request's public
 * verification page would then show. One rule for the server judging a pushed request and the
 * new-request form offering seals.
 */
export function checkRequestSeal(actor: User, sealId: string, seal: { readonly unitId: UnitId } | undefined, units: Units): Result<Permit, Refusal<RequestSealRefusalCode>> {
  if (seal === undefined) return err({ code: 'unknown_seal', message: `expected seal "${sealId}" to be recorded on the server first, got no such seal` });
  const permit = can(actor, 'request.create', { unitId: seal.unitId }, units);
  if (permit.ok) return permit;
  return err({ code: permit.error.code, message: `a request for seal "${sealId}" of unit "${seal.unitId}": ${permit.error.message}` });
}
