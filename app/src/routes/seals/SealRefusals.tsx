import { For, Show } from 'solid-js';
import type { SealStatus, SealStatusChange } from '@seal/shared';
import { useI18n } from '../../i18n/I18nProvider';
import type { RefusedRowView } from '../../store/syncStatus';
import { futureMoveNote } from '../../sync/clockText';
import { useSync } from '../../sync/SyncProvider';
import { statusChangeRowId } from './sealViews';

const ROW_KINDS = ['seal', 'seal_status_change', 'device'] as const;
type RowKind = (typeof ROW_KINDS)[number];
const isRowKind = (kind: string): kind is RowKind => (ROW_KINDS as readonly string[]).includes(kind);

/** What a stale move's refusal can say beyond its code: the move's own `from`, and where the seal is now. */
export interface StaleMoveContext {
  /** The lifecycle changes held here (refused ones included): the refused move is found among them. */
  readonly changes: readonly SealStatusChange[];
  /** The seal's current status as this replica shows it (`null` / `undefined` when not known). */
  readonly statusOf: (sealId: string) => SealStatus | null | undefined;
}

/**
 * Rows about seals (or their devices) the server refused: they take no effect; the reason is said
 * here, beside the seal. A lifecycle move refused as stale (`stale_transition`) also says which
 * status it was made from and which status the seal is in now, so the person can make it again.
 * One refused for its date (`future_time`: this device's clock ran fast) says it was made again
 * by itself with the corrected time, or why not.
 */
export function SealRefusals(props: { refusals: readonly RefusedRowView[]; stale?: StaleMoveContext }) {
  const { t, locale } = useI18n();
  const sync = useSync();
  const staleDetail = (refusal: RefusedRowView): string | undefined => {
    if (refusal.code !== 'stale_transition' || props.stale === undefined) return undefined;
    const change = props.stale.changes.find((c) => statusChangeRowId(c) === refusal.id);
    const status = change === undefined ? undefined : props.stale.statusOf(change.sealId);
    if (change === undefined || status === undefined || status === null) return undefined;
    const from = change.from === null ? t('seals.timelineMade') : t(`sealStatuses.${change.from}`);
    return t('seals.staleMove', { from, status: t(`sealStatuses.${status}`) });
  };
  return (
    <Show when={props.refusals.length > 0}>
      <div class="alert alert-error seal-refusals" role="alert" data-testid="seal-refusals">
        <p>
          <strong>{t('seals.refusalsTitle', { count: String(props.refusals.length) })}</strong>
        </p>
        <ul>
          <For each={props.refusals}>
            {(refusal) => (
              <li data-code={refusal.code}>
                {t(`sync.refusal.${refusal.code}`)}{' '}
                <span class="seal-refusal-what">({isRowKind(refusal.kind) ? t(`seals.rowKinds.${refusal.kind}`) : refusal.kind} · {refusal.subject})</span>
                <Show when={staleDetail(refusal)}>{(detail) => <span class="seal-refusal-detail"> {detail()}</span>}</Show>
                <Show when={futureMoveNote(t, locale(), refusal, sync.status()?.clock)}>{(note) => <span class="seal-refusal-detail" data-testid="seal-refusal-remade"> {note()}</span>}</Show>
              </li>
            )}
          </For>
        </ul>
      </div>
    </Show>
  );
}
