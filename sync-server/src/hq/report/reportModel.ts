/**
 * What an audit report says, for one period and one scope (a unit subtree): built by a
 * `ReportSource`, drawn by `buildAuditReportPdf`. Counts only; names are display text.
 */
export interface AuditReportModel {
  /** The unit the report covers (with everything below it). */
  readonly scopeName: string;
  /** `[from, to)` in ms since the epoch. */
  readonly period: { readonly from: number; readonly to: number };
  /** Minutes east of UTC the days are counted in (480: China Standard Time). */
  readonly utcOffsetMinutes: number;
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
  /** Stamps per calendar day of the period (`YYYY-MM-DD`), every day present, zeros included. */
  readonly usesPerDay: readonly { readonly day: string; readonly count: number }[];
  readonly byUnit: readonly { readonly name: string; readonly count: number }[];
  readonly bySealKind: readonly { readonly kind: string; readonly count: number }[];
  readonly anomaliesByKind: readonly { readonly kind: string; readonly count: number }[];
  /** From a request's creation to each approving decision, in hours. */
  readonly approvalLatency: { readonly decided: number; readonly medianHours: number | null; readonly p90Hours: number | null; readonly maxHours: number | null };
  /** Alarms still open (no resolution), oldest first, at most a page of them. */
  readonly openCases: readonly { readonly kind: string; readonly unit: string; readonly openedAt: number; readonly summary: string }[];
}
