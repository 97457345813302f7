import { For, Show, createMemo, createSignal } from 'solid-js';
import type { SyncRefusalCode } from '@seal/shared';
import { formatDateTime } from '../i18n/format';
import { useI18n } from '../i18n/I18nProvider';
import { createOnlineStatus } from '../primitives/createOnlineStatus';
import { clockNote, futureMoveNote } from './clockText';
import { useSync } from './SyncProvider';
import './syncStatus.css';

/** localStorage: this device's user acknowledged that the browser refused to keep its data for good. */
const PERSISTENCE_NOTED = 'seal.persistenceRefusalNoted';

/**
 * What the user sees of sync, beside the online pill: when this device last had everything, how
 * many rows wait to go up, the progress of a long catch-up and of attachment uploads, how far this
 * device's clock is off the server's when it is (times recorded here are corrected), and the rows
 * the server refused — kept here, with the reason.
 */
export function SyncStatus() {
  const { t, locale } = useI18n();
  const sync = useSync();
  // With no network the banner above says so, and that changes are kept here: not said twice, and nothing to sync now.
  const online = createOnlineStatus();
  const percent = (done: number, total: number): number => (total <= 0 ? 0 : Math.min(100, Math.round((done / total) * 100)));
  const catchUpPercent = createMemo(() => {
    const catchUp = sync.status()?.catchUp;
    return catchUp ? percent(catchUp.pulled, catchUp.pulled + catchUp.remaining) : 0;
  });
  // The refusal is said until the person acknowledges it, once per device.
  const [persistenceNoted, setPersistenceNoted] = createSignal(localStorage.getItem(PERSISTENCE_NOTED) === '1');
  const notePersistence = (): void => {
    localStorage.setItem(PERSISTENCE_NOTED, '1');
    setPersistenceNoted(true);
  };
  const reason = (code: SyncRefusalCode): string => t(`sync.refusal.${code}`) ?? code;
  return (
    <Show when={sync.status()}>
      {(status) => (
        <div class="sync-status" data-connection={status().connection} data-pending={status().pending} data-refused={status().refusals.length} data-persistence={sync.persistence()}>
          <p class="sync-line" role="status" aria-live="polite">
            <span>{status().lastSyncAt === null ? t('sync.neverSynced') : t('sync.lastSync', { time: formatDateTime(status().lastSyncAt!, locale()) })}</span>
            <span class="sync-pending" classList={{ 'is-waiting': status().pending > 0 }}>
              {status().pending > 0
                ? status().pendingSince === null
                  ? t('sync.pending', { count: String(status().pending) })
                  : t('sync.pendingSince', { count: String(status().pending), time: formatDateTime(status().pendingSince!, locale()) })
                : t('sync.upToDate')}
            </span>
            <Show when={status().connection === 'signed_out'}>
              <span class="sync-warning">{status().signedOutCode === 'replica_user_mismatch' ? t('sync.anotherUser') : t('sync.signedOut')}</span>
            </Show>
            <Show when={status().connection === 'offline' && online()}>
              <span class="sync-warning">{t('sync.serverUnreachable')}</span>
            </Show>
            <Show when={clockNote(t, status().clock)}>
              {(note) => <span class="sync-warning" data-testid="clock-off">{note()}</span>}
            </Show>
            <Show when={sync.persistence() === 'refused' && !persistenceNoted()}>
              <span class="sync-warning" data-testid="persistence-refused" title={t('sync.persistenceRefusedHint')}>{t('sync.persistenceRefused')}</span>
              <button type="button" class="sync-now sync-ack" data-testid="persistence-noted" onClick={notePersistence}>{t('sync.persistenceNoted')}</button>
            </Show>
            <Show when={online()}>
              <button type="button" class="sync-now" onClick={() => sync.syncNow()}>{t('sync.syncNow')}</button>
            </Show>
          </p>
          <Show when={status().catchUp}>
            {(catchUp) => (
              <div class="sync-progress">
                <progress max="100" value={catchUpPercent()} aria-label={t('sync.catchingUpLabel')} />
                <span>{t('sync.catchingUp', { pulled: String(catchUp().pulled), remaining: String(catchUp().remaining) })}</span>
              </div>
            )}
          </Show>
          <Show when={status().attachments.queued > 0}>
            <div class="sync-progress">
              <progress max="100" value={percent(status().attachments.bytesSent, status().attachments.bytesTotal)} aria-label={t('sync.attachmentsLabel')} />
              <span>{t('sync.attachments', { count: String(status().attachments.queued) })}</span>
            </div>
          </Show>
          <Show when={status().refusals.length > 0}>
            <details class="sync-refusals">
              <summary>{t('sync.refusedTitle', { count: String(status().refusals.length) })}</summary>
              <p>{t('sync.refusedHint')}</p>
              <ul>
                <For each={status().refusals}>
                  {(refusal) => (
                    <li data-code={refusal.code}>
                      <strong>{reason(refusal.code)}</strong>
                      <span class="sync-refusal-what">{refusal.subject} · {refusal.kind}</span>
                      <span class="sync-refusal-detail">{refusal.message}</span>
                      <Show when={futureMoveNote(t, locale(), refusal, status().clock)}>
                        {(note) => <span class="sync-refusal-detail" data-testid="refusal-remade">{note()}</span>}
                      </Show>
                    </li>
                  )}
                </For>
              </ul>
            </details>
          </Show>
        </div>
      )}
    </Show>
  );
}
