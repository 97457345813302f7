import { For, Show } from 'solid-js';
import { reasonWithoutTag } from '@seal/shared';
import { formatDateTime } from '../../i18n/format';
import { useI18n } from '../../i18n/I18nProvider';
import { useDirectory } from '../../org/DirectoryProvider';
import type { RefusedRowView } from '../../store/syncStatus';
import { SealStatusBadge, WaitingBadge } from './SealStatusBadge';
import { statusChangeRowId, type TimelineEntry } from './sealViews';

/**
 * A seal's status over time, oldest first: each change with who made it, under which role, when,
 * from what to what, and why; changes still waiting to go up, changes the server refused and
 * changes that could not apply (made offline from a state the seal had already left) are marked.
 * A move carried out after a review names its approvers beside it (ADR 009).
 */
export function SealTimeline(props: { entries: readonly TimelineEntry[]; refusals: readonly RefusedRowView[]; approversOf?: (changeId: string) => readonly string[] | undefined }) {
  const { t, locale } = useI18n();
  const directory = useDirectory();
  const refusalOf = (entry: TimelineEntry): RefusedRowView | undefined => props.refusals.find((r) => r.id === statusChangeRowId(entry.change));
  return (
    <Show when={props.entries.length > 0} fallback={<p class="empty">{t('seals.timelineEmpty')}</p>}>
      <ol class="seal-timeline" aria-label={t('seals.timelineTitle')} data-testid="seal-timeline">
        <For each={props.entries}>
          {(entry) => (
            <li class="seal-step" classList={{ 'is-void': entry.outcome !== 'applied' }} data-testid="timeline-entry" data-to={entry.change.to} data-from={entry.change.from ?? 'new'} data-outcome={entry.outcome} data-waiting={entry.waiting ? 'true' : 'false'}>
              <div class="seal-step-head">
                <Show when={entry.change.from} fallback={<span class="seal-step-made">{t('seals.timelineMade')}</span>}>
                  {(from) => (
                    <>
                      <SealStatusBadge status={from()} />
                      <span class="seal-step-arrow" aria-label={t('seals.timelineTo')}>→</span>
                    </>
                  )}
                </Show>
                <SealStatusBadge status={entry.change.to} />
                <Show when={entry.waiting}>
                  <WaitingBadge />
                </Show>
              </div>
              <p class="seal-step-who">
                <span class="seal-step-name">{directory.userName(entry.change.actorId)}</span>
                <span class="seal-step-role">{t(`roles.${entry.change.actorRole}`)}</span>
                <time datetime={new Date(entry.change.at).toISOString()}>{formatDateTime(entry.change.at, locale())}</time>
              </p>
              <p class="seal-step-reason">
                <span class="visually-hidden">{t('seals.reasonLabel')}: </span>
                {reasonWithoutTag(entry.change.reason).text}
                <Show when={reasonWithoutTag(entry.change.reason).requestId}>
                  <span class="muted"> · {t('seals.viaGovernance')}</span>
                </Show>
              </p>
              <Show when={props.approversOf?.(entry.change.id)}>
                {(approvers) => (
                  <p class="seal-step-approvers" data-testid="timeline-approvers">
                    {t('governance.timelineApprovers', { names: approvers().map((id) => directory.userName(id)).join(', ') })}
                  </p>
                )}
              </Show>
              <Show when={entry.outcome === 'skipped'}>
                <p class="seal-step-note">{t('seals.notApplied')}</p>
              </Show>
              <Show when={entry.outcome === 'refused'}>
                <p class="seal-step-note seal-step-refused">{t('seals.refusedByServer', { reason: t(`sync.refusal.${refusalOf(entry)?.code ?? 'invalid_row'}`) })}</p>
              </Show>
            </li>
          )}
        </For>
      </ol>
    </Show>
  );
}
