import { A } from '@solidjs/router';
import { For, Show, createSignal } from 'solid-js';
import type { SessionView as Session } from '@seal/shared';
import { fetchArchive, scanImageUrl, type ArchiveFilter, type ArchiveResponse } from '../../api/processSheets';
import { holdsRole } from '../../auth/roles';
import { Field } from '../../components/Field';
import { RequireSession } from '../../components/RequireSession';
import { Screen } from '../../components/Screen';
import { TextField } from '../../components/TextField';
import { UnitSelect } from '../../components/UnitSelect';
import { describeError } from '../../i18n/describeError';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import { createAction } from '../../primitives/createAction';
import './archive.css';

/** Who may search the archive: those who read the logs of their units (`log.read`). */
export const mayReadArchive = (session: Session): boolean => (['admin', 'custodian', 'auditor'] as const).some((role) => holdsRole(session, role));

type Entry = ArchiveResponse['entries'][number];

/** `/archive`: stamped documents in the reader's scope (scanned process sheets), searched on the server. */
export function Archive() {
  return <RequireSession>{(session) => <ArchiveScreen session={session} />}</RequireSession>;
}

function ArchiveScreen(props: { session: Session }) {
  const { t } = useI18n();
  const directory = useDirectory();
  const [filter, setFilter] = createSignal<ArchiveFilter>({});
  const [entries, setEntries] = createSignal<Entry[]>([]);
  const [answer, setAnswer] = createSignal<{ total: number; nextCursor: string | null }>();
  const set = (patch: Partial<ArchiveFilter>) => setFilter({ ...filter(), ...patch });
  const search = createAction(async (more: boolean) => {
    const page = await fetchArchive(filter(), more ? answer()?.nextCursor ?? undefined : undefined);
    setEntries(more ? [...entries(), ...page.entries] : page.entries);
    setAnswer({ total: page.total, nextCursor: page.nextCursor });
  });
  void search.run(false);
  const units = () => directory.units().map((unit) => ({ unit }));
  return (
    <Screen id="archive" title={t('archive.title')} lead={mayReadArchive(props.session) ? t('archive.lead') : undefined} class="archive">
      <Show when={mayReadArchive(props.session)} fallback={<p class="note note-warn">{t('errors.forbidden')}</p>}>
        <form class="panel archive-filters" aria-label={t('archive.filters')} onSubmit={(ev) => { ev.preventDefault(); void search.run(false); }}>
          <TextField id="archive-filter-title" label={t('archive.titleFilter')} value={filter().title ?? ''} onInput={(v) => set({ title: v })} />
          <TextField id="archive-filter-seal" label={t('archive.sealFilter')} value={filter().seal ?? ''} onInput={(v) => set({ seal: v })} />
          <Field id="archive-filter-unit" label={t('archive.unitFilter')}>
            <UnitSelect id="archive-filter-unit" value={filter().unit ?? ''} units={units()} placeholder={t('archive.anyUnit')} onChange={(v) => set({ unit: v === '' ? undefined : v })} />
          </Field>
          <TextField id="archive-filter-code" label={t('archive.codeFilter')} value={filter().code ?? ''} onInput={(v) => set({ code: v })} />
          <Field id="archive-filter-from" label={t('archive.from')}>
            <input id="archive-filter-from" class="input" type="date" value={filter().from ?? ''} onInput={(ev) => set({ from: ev.currentTarget.value })} />
          </Field>
          <Field id="archive-filter-to" label={t('archive.to')}>
            <input id="archive-filter-to" class="input" type="date" value={filter().to ?? ''} onInput={(ev) => set({ to: ev.currentTarget.value })} />
          </Field>
          <div class="button-row">
            <button type="submit" class="button button-primary" disabled={search.pending()}>{t('archive.search')}</button>
            <button type="button" class="button button-secondary" onClick={() => { setFilter({}); void search.run(false); }}>{t('archive.reset')}</button>
          </div>
        </form>
        <div role="status" aria-live="polite" class="archive-count" data-testid="archive-count">
          <Show when={answer()}>{(a) => <span>{t('archive.results', { count: String(a().total) })}</span>}</Show>
        </div>
        <Show when={search.error() !== undefined}>
          <p class="note note-warn" role="alert">{describeError(t, search.error())}</p>
        </Show>
        <Show when={entries().length > 0} fallback={<Show when={answer()}><p class="muted">{t('archive.none')}</p></Show>}>
          <ul class="archive-list" data-testid="archive-entries">
            <For each={entries()}>{(entry) => <ArchiveItem entry={entry} />}</For>
          </ul>
        </Show>
        <Show when={answer()?.nextCursor}>
          <button type="button" class="button button-secondary" disabled={search.pending()} onClick={() => void search.run(true)}>{t('archive.more')}</button>
        </Show>
      </Show>
    </Screen>
  );
}

function ArchiveItem(props: { entry: Entry }) {
  const { t, locale } = useI18n();
  const electronic = (): Extract<Entry, { kind: 'electronic_impression' }> | undefined => (props.entry.kind === 'electronic_impression' ? props.entry : undefined);
  return (
    <li class="panel archive-entry" data-testid="archive-entry" data-request-id={props.entry.requestId} data-kind={props.entry.kind}>
      <Show when={props.entry.kind === 'paper_scan'} fallback={<span class="archive-entry-mark" aria-hidden="true">PDF</span>}>
        <img src={scanImageUrl(props.entry.id)} alt={t('sheets.thumbAlt', { title: props.entry.title })} width="96" loading="lazy" />
      </Show>
      <div class="archive-entry-text">
        <h2 class="archive-entry-title">{props.entry.title}</h2>
        <p>{props.entry.sealName} · {props.entry.unitName} · <span class="badge">{t(`archive.kind_${props.entry.kind}`)}</span></p>
        <p class="muted"><code data-testid="archive-code">{props.entry.code}</code></p>
        <p class="muted">{t(electronic() === undefined ? 'archive.filedBy' : 'archive.stampedBy', { name: props.entry.filedByName, date: formatDateTime(props.entry.filedAt, locale()) })}</p>
        <Show when={electronic()}>
          {(e) => <p class="muted" data-testid="archive-countersigned" data-countersigned={String(e().countersigned)}>{t(e().countersigned ? 'archive.countersigned' : 'archive.awaitingCountersign')}</p>}
        </Show>
        <p class="archive-links">
          <A href={`/requests/${encodeURIComponent(props.entry.requestId)}`}>{t('archive.openRequest')}</A>
          <Show when={electronic()} fallback={<a href={scanImageUrl(props.entry.id)} target="_blank" rel="noopener">{t('archive.openImage')}</a>}>
            {(e) => <A href={`/verify?code=${encodeURIComponent(e().code)}`}>{t('archive.openVerification')}</A>}
          </Show>
        </p>
      </div>
    </li>
  );
}
