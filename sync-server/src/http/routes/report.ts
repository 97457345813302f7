import { auditReportQuerySchema, hqDayOf, type UnitId } from '@seal/shared';
import { loadUnitTree, requirePermission } from '../../auth/scope';
import { buildAuditReportPdf } from '../../hq/report/buildAuditReportPdf';
import type { ReportSource } from '../../hq/report/reportSource';
import type { Api } from '../api';
import { notFound } from '../errors';

/** The PDF audit report of a unit subtree over a period (administrators, custodians and auditors within their scope). */
export function reportRoutes(api: Api, source: ReportSource): void {
  const { ctx } = api;
  api.route({
    method: 'GET', url: '/api/hq/report.pdf', tag: 'reports', auth: 'session', query: auditReportQuerySchema,
    summary: 'The PDF audit report of a unit subtree over the whole HQ days (China time, UTC+8) covering [from, to), from the dashboard\'s aggregates: totals, stamps per day, by unit, by seal kind, anomalies by kind, approval latency, open cases',
    responses: { 200: { mediaType: 'application/pdf', description: 'The report (Chinese and English), as a download' }, 400: 'invalid_query', 403: 'forbidden | out_of_scope', 404: 'not_found' },
  }, async ({ query, signedIn, reply }) => {
    const tree = await loadUnitTree(ctx.repos.units);
    if (!tree.has(query.unit as UnitId)) throw notFound(`Unit "${query.unit}"`);
    requirePermission(signedIn.user, 'report.view', { unitId: query.unit }, tree);
    const model = await source.build({
      unitId: query.unit, from: query.from, to: query.to,
      generatedBy: signedIn.user.name, generatedAt: ctx.now(),
    });
    const pdf = await buildAuditReportPdf(model);
    const day = hqDayOf(query.from);
    return reply
      .type('application/pdf')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="audit-report-${query.unit}-${day}.pdf"`)
      .send(Buffer.from(pdf));
  });
}
