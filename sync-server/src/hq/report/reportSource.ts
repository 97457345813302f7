import type { AuditReportModel } from './reportModel';

/** What a report is asked for: a unit subtree, a period, the day boundaries' offset, and by whom. */
export interface ReportRequest {
  readonly unitId: string;
  readonly from: number;
  readonly to: number;
  readonly utcOffsetMinutes: number;
  readonly generatedBy: string;
  readonly generatedAt: number;
}

/**
 * Where a report's figures come from. `scanReportSource` reads the rows straight from the store;
 * the merged log's indexed aggregates (another part of sync-server/src/hq/) are meant to
 * replace it behind this same interface.
 */
export interface ReportSource {
  build(request: ReportRequest): Promise<AuditReportModel>;
}
