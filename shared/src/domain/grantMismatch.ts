import { canonicalJson } from '../encoding/canonical';
import { decisionPayload } from './decision';
import type { Grant } from './grant';
import type { UseRequest } from './useRequest';

/**
 * How a grant departs from its request's terms, or `null` when it keeps to them: same seal, the
 * requester as holder, exactly the request's uses, window and geofence (what `issueGrant` puts
 * in, and what `grantTermsRefusal` holds every judge to), and only decisions approving the
 * request as it stands. A mismatched grant authorises no stamp.
 */
export function grantMismatch(grant: Grant, request: UseRequest): string | null {
  if (grant.requestId !== request.id) return `grant "${grant.id}" is for request "${grant.requestId}", not "${request.id}"`;
  if (grant.sealId !== request.sealId) return `grant "${grant.id}" names seal "${grant.sealId}", expected "${request.sealId}"`;
  if (grant.holderId !== request.requesterId) return `grant "${grant.id}" names holder "${grant.holderId}", expected the requester "${request.requesterId}"`;
  if (grant.uses !== request.usesRequested) return `grant "${grant.id}" allows ${grant.uses} uses, expected the ${request.usesRequested} requested`;
  if (grant.window.notBefore !== request.window.notBefore || grant.window.notAfter !== request.window.notAfter) {
    return `grant "${grant.id}" window ${grant.window.notBefore}–${grant.window.notAfter} is not the request's ${request.window.notBefore}–${request.window.notAfter}`;
  }
  if (canonicalJson(grant.geofence ?? null) !== canonicalJson(request.place.geofence ?? null)) return `grant "${grant.id}" geofence differs from the request's place`;
  const terms = canonicalJson(decisionPayload(request, 'approve'));
  const stray = grant.decisions.find((decision) => canonicalJson(decision.payload) !== terms);
  if (stray !== undefined) return `grant "${grant.id}" carries decision "${stray.id}" that does not approve the request's current terms`;
  return null;
}
