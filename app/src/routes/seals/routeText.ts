import { routeSteps, type ApprovalRoute } from '@seal/shared';
import type { Translate } from '../../i18n/I18nProvider';

/** Who decides a route, in words: "2 approver(s)", or "1 approver(s) of Site A, then 1 approver(s) of HQ". */
export function routeText(t: Translate, route: ApprovalRoute, unitName: (id: string) => string): string {
  return routeSteps(route)
    .map((step) => (step.approverUnitId === undefined ? t('governance.routeAny', { count: String(step.count) }) : t('governance.routeUnit', { count: String(step.count), unit: unitName(step.approverUnitId) })))
    .join(t('governance.routeThen'));
}
