import type { AuditReportModel } from './reportModel';

/** What a report is asked for: a unit subtree, a period (widened to whole HQ days), and by whom. */
export interface ReportRequest {
  readonly unitId: string;
  readonly from: number;
  readonly to: number;
  readonly generatedBy: string;
  readonly generatedAt: number;
}

/** Where a report's figures come from: `indexReportSource`, the HQ index the dashboard reads. */
export interface ReportSource {
  build(request: ReportRequest): Promise<AuditReportModel>;
}
