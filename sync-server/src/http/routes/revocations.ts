import { signedRevocationListResponseSchema } from '@seal/shared';
import type { Store } from '../../couch/store';
import { currentRevocationList } from '../../sync/revocationList';
import { rowsRepo } from '../../sync/rowsRepo';
import type { Api } from '../api';

/**
 * The revocation list in force (device-bridge PROTOCOL.md §5 "Revocations"): seals out of
 * service, withdrawn requests, deactivated people, signed by the organisation key. Every signed-in
 * tablet fetches it and carries it to every seal device it connects to; the device takes only a
 * newer version and refuses to unlock with one older than 24 hours.
 */
export function revocationRoutes(api: Api, store: Store): void {
  const { ctx } = api;
  const rows = rowsRepo(store.couch.use(store.dbName('rows')));
  api.route({
    method: 'GET', url: '/api/revocations', tag: 'roster', auth: 'session',
    summary: 'The SignedRevocationList { list, signature }: seals out of service, withdrawn requests and deactivated people, versioned, signed by the org key; re-issued at least hourly',
    responses: { 200: signedRevocationListResponseSchema.describe('SignedRevocationList { list, signature }'), 401: 'unauthenticated | session_expired' },
  }, async ({ reply }) => {
    reply.header('cache-control', 'no-store');
    return currentRevocationList(rows, ctx.repos, ctx.orgKey, ctx.now());
  });
}
