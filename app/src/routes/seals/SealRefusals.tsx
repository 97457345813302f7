import { For, Show } from 'solid-js';
import { useI18n } from '../../i18n/I18nProvider';
import type { RefusedRowView } from '../../store/syncStatus';

const ROW_KINDS = ['seal', 'seal_status_change', 'device'] as const;
type RowKind = (typeof ROW_KINDS)[number];
const isRowKind = (kind: string): kind is RowKind => (ROW_KINDS as readonly string[]).includes(kind);

/** Rows about seals (or their devices) the server refused: they take no effect; the reason is said here, beside the seal. */
export function SealRefusals(props: { refusals: readonly RefusedRowView[] }) {
  const { t } = useI18n();
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
              </li>
            )}
          </For>
        </ul>
      </div>
    </Show>
  );
}
