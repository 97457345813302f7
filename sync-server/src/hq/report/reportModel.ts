/** One open item of the report: an unresolved alarm or exception-queue case. */
export interface OpenCase {
  readonly kind: string;
  readonly unit: string;
  /** When the case was opened (an alarm: when it was raised). */
  readonly openedAt: number;
  /** When the anomaly itself happened (the device's or the server's time of the event it is about). */
  readonly anomalyAt: number;
  readonly summary: string;
}

/**
 * What an audit report says, for one period and one scope (a unit subtree): built by a
 * `ReportSource`, drawn by `buildAuditReportPdf`. Counts only; names are display text. Days are
 * HQ days (China Standard Time, `hqDayOf`), as on the dashboard.
 */
export interface AuditReportModel {
  /** The unit the report covers (with everything below it). */
  readonly scopeName: string;
  /** `[from, to)` in ms since the epoch: whole HQ days. */
  readonly period: { readonly from: number; readonly to: number };
  readonly generatedAt: number;
  /** Who asked for it (a person's name). */
  readonly generatedBy: string;
  readonly totals: {
    readonly stamps: number;
    readonly stampsWithoutGrant: number;
    readonly decisions: number;
    readonly alarms: number;
    readonly openCases: number;
  };
  /** Stamps per HQ day of the period (`YYYY-MM-DD`), every day present, zeros included. */
  readonly usesPerDay: readonly { readonly day: string; readonly count: number }[];
  /** Stamps by child unit of the scope (the scope unit itself for its own), as the dashboard's "by unit". */
  readonly byUnit: readonly { readonly unitId: string; readonly name: string; readonly count: number }[];
  readonly bySealKind: readonly { readonly kind: string; readonly count: number }[];
  readonly anomaliesByKind: readonly { readonly kind: string; readonly count: number }[];
  /** From a request's creation to its last approval, in hours (the dashboard's percentiles). */
  readonly approvalLatency: { readonly decided: number; readonly p50Hours: number | null; readonly p95Hours: number | null };
  /** Alarms and cases still open at the period's end, oldest first, at most a page of them. */
  readonly openCases: readonly OpenCase[];
}
