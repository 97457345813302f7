import type { Store } from '../../couch/store';
import type { AnomalyHook } from '../anomalyHook';
import { anomalousRowIds, countOpenCasesByKind } from './caseQueries';

/**
 * The merged log's and the dashboard's view of anomaly cases: the rows unresolved cases in scope
 * name as evidence (the log's "anomalies only"), and those cases by kind. Cases carry no period of
 * their own here: the counts are of cases open now among the scope's units.
 */
export function casesAnomalyHook(store: Store): AnomalyHook {
  return {
    async flaggedEventIds(scope) {
      return new Set((await anomalousRowIds(store, (unitId) => scope.unitIds.has(unitId))).keys());
    },
    async countsByKind(scope) {
      const counts: Record<string, number> = {};
      for (const [kind, count] of Object.entries(await countOpenCasesByKind(store, (unitId) => scope.unitIds.has(unitId)))) {
        if (count !== undefined) counts[kind] = count;
      }
      return counts;
    },
  };
}
