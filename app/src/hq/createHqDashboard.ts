import { createMemo, type Accessor } from 'solid-js';
import { hqDashboardResponseSchema } from '@seal/shared';
import { fetchHqDashboard, type HqDashboardResponse } from '../api/hq';
import type { LocalStore } from '../store/localStore';
import { createKeptView, type KeptView } from './createKeptView';
import { dashboardSearchOf, periodOf, viewKey, type HqDashboardView } from './hqViews';

/** Headquarters' dashboard for a scope and period, kept for offline reading. */
export function createHqDashboard(view: Accessor<HqDashboardView>, store: Accessor<LocalStore | undefined>): KeptView<HqDashboardResponse> {
  const key = createMemo(() => viewKey(dashboardSearchOf(view())));
  return createKeptView<HqDashboardResponse>({
    group: 'hq-dashboard',
    key,
    fetch: () => fetchHqDashboard({ unit: view().unit, ...periodOf(view()) }),
    schema: hqDashboardResponseSchema,
    store,
  });
}
