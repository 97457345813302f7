/** Where the merged log and the dashboard meet anomaly detection: a scope and a period. */
export interface AnomalyScope {
  readonly unitIds: ReadonlySet<string>;
  readonly from?: number | undefined;
  readonly to?: number | undefined;
}

/**
 * What the anomaly detector (its cases) tells the merged log and the dashboard. Until a detector
 * is plugged in (`HqOptions.anomalies`), nothing is flagged and every count is zero.
 */
export interface AnomalyHook {
  /** Ids of the events (row ids) an anomaly case names, within the scope and period. */
  flaggedEventIds(scope: AnomalyScope): Promise<ReadonlySet<string>>;
  /** Cases by anomaly kind, within the scope and period. */
  countsByKind(scope: AnomalyScope): Promise<Readonly<Record<string, number>>>;
}

export const NO_ANOMALIES: AnomalyHook = {
  flaggedEventIds: () => Promise.resolve(new Set()),
  countsByKind: () => Promise.resolve({}),
};
