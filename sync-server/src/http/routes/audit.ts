import { auditChainResponseSchema, auditPageResponseSchema, auditQuerySchema } from '@seal/shared';
import { holdsRoleOn, loadUnitTree, requireAnyRole, requirePermission, rootUnitId } from '../../auth/scope';
import type { Api } from '../api';
import { ApiError } from '../errors';

/** The append-only audit log, for admins and auditors (each sees their subtrees). */
export function auditRoutes(api: Api): void {
  const { ctx } = api;

  api.route({
    method: 'GET', url: '/api/audit', tag: 'audit', auth: 'session', query: auditQuerySchema,
    summary: 'Audit records (who, when, what, before/after, hash chain) within the reader\'s subtrees, oldest first',
    responses: { 200: auditPageResponseSchema, 401: 'unauthenticated', 403: 'forbidden' },
  }, async ({ query, signedIn }) => {
    requireAnyRole(signedIn.user, ['admin', 'auditor'], 'read the audit log');
    const tree = await loadUnitTree(ctx.repos.units);
    const root = rootUnitId(tree);
    const page = await ctx.repos.audit.list(query.after, query.limit);
    const records = page.filter((r) => holdsRoleOn(signedIn.user, ['admin', 'auditor'], r.unitId ?? root ?? '', tree));
    return { records, nextAfter: page.at(-1)?.seq ?? query.after };
  });

  api.route({
    method: 'GET', url: '/api/audit/verify', tag: 'audit', auth: 'session',
    summary: 'Re-hash the whole audit chain from genesis (admins and auditors on the HQ unit)',
    responses: { 200: auditChainResponseSchema, 401: 'unauthenticated', 403: 'forbidden | out_of_scope' },
  }, async ({ signedIn }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    const root = rootUnitId(tree);
    if (!root) throw new ApiError(409, 'conflict', 'Setup is not complete');
    requirePermission(signedIn.user, 'log.read', { unitId: root }, tree);
    return ctx.repos.audit.verify();
  });
}
