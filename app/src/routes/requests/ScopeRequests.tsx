import { For, Show, createMemo } from 'solid-js';
import { createStore } from 'solid-js/store';
import type { UnitView as Unit } from '@seal/shared';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { filterRequests, requestsInScope } from '../../requests/requestFilters';
import { useRequests } from '../../requests/RequestsProvider';
import { unitTreeRows } from '../admin/unitTree';
import { RequestCard } from './RequestCard';
import { RequestFiltersBar } from './RequestFiltersBar';
import { EMPTY_FORM, toFilter, type RequestFilterForm } from './requestFilterForm';

/**
 * The requests of the units someone reads (custodians, administrators, auditors), from this
 * device's replica — so they are found offline too — with search and filters.
 */
export function ScopeRequests() {
  const { t } = useI18n();
  const requests = useRequests();
  const directory = useDirectory();
  const [form, setForm] = createStore<RequestFilterForm>({ ...EMPTY_FORM });
  const units = () => directory.units();
  const inScope = createMemo(() => {
    const me = requests.me();
    return me === undefined ? [] : requestsInScope(requests.entries(), me, units());
  });
  const names = createMemo(() => new Map<string, string>(directory.users().map((u) => [u.id, u.name])));
  const unitNames = createMemo(() => new Map(units().map((u) => [u.id as string, u.name])));
  const shown = createMemo(() => {
    const byId = names();
    return filterRequests(inScope(), toFilter(form), (id) => byId.get(id), units());
  });
  const sealOptions = createMemo(() => {
    const held = new Set(inScope().map((e) => e.request.sealId as string));
    return requests.seals().filter((s) => held.has(s.id)).map((s) => ({ value: s.id, label: `${s.name} · ${t(`sealKinds.${s.kind}`)}` }));
  });
  const unitChoices = createMemo(() => {
    const used = new Set(inScope().map((e) => e.request.unitId as string));
    const rows = unitTreeRows(units() as unknown as Unit[]);
    // Units that hold a request, and the units above them (a branch lists its sites' requests).
    const wanted = new Set<string>();
    const parent = new Map(units().map((u) => [u.id as string, u.parentId as string | null]));
    for (const id of used) for (let at: string | null | undefined = id, n = 0; at && n <= rows.length; at = parent.get(at), n++) wanted.add(at);
    return rows.filter((r) => wanted.has(r.unit.id)).map((r) => ({ unit: r.unit, depth: r.depth }));
  });
  return (
    <section class="scope-requests" aria-labelledby="scope-requests-title" data-testid="scope-requests">
      <h2 id="scope-requests-title" class="section-title">{t('requestList.scopeHeading')}</h2>
      <RequestFiltersBar form={form} set={(key, value) => setForm({ [key]: value })} clear={() => setForm({ ...EMPTY_FORM })} seals={sealOptions()} units={unitChoices()} />
      <Show when={inScope().length > 0} fallback={<p class="empty">{t('requestList.noneHeld')}</p>}>
        <p class="muted" aria-live="polite" data-testid="scope-requests-count">{t('requestList.count', { count: String(shown().length) })}</p>
        <Show when={shown().length > 0} fallback={<p class="empty">{t('requestList.none')}</p>}>
          <ul class="card-list" aria-label={t('requestList.scopeHeading')} data-testid="scope-request-list">
            <For each={shown()}>
              {(entry) => (
                <RequestCard entry={entry}>
                  <span class="card-meta">
                    <span>{t('requestList.requester', { name: names().get(entry.request.requesterId) ?? entry.request.requesterId })}</span>
                    <span>{t('requestList.unitLine', { unit: unitNames().get(entry.request.unitId) ?? entry.request.unitId })}</span>
                  </span>
                </RequestCard>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </section>
  );
}
