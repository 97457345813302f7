import { Show } from 'solid-js';
import { createStampSession } from '../../device/stamp/stampSession';
import { useI18n } from '../../i18n/I18nProvider';
import { useSync } from '../../sync/SyncProvider';
import { createStampNames } from '../stamp/stampNames';

/**
 * A custodian or administrator at the device, with no grant to use: connect over Bluetooth so that
 * this tablet carries its revocation list to the device (a suspension reaches the device through
 * whichever tablet comes by first, device-bridge PROTOCOL.md §5) and records the device's log for
 * the next sync. Nothing is unlocked here. Without this, a device whose seal was suspended could be
 * reached only from /stamp, which offers no grant of a suspended seal.
 */
export function DeviceVisit(props: { deviceId: string }) {
  const { t } = useI18n();
  const sync = useSync();
  const session = createStampSession(sync.store);
  const names = createStampNames();
  const phaseIs = (...phases: string[]): boolean => phases.includes(session.phase());
  const other = () => {
    const id = session.info()?.deviceId;
    return id !== undefined && id !== null && id !== props.deviceId ? id : undefined;
  };
  return (
    <section class="panel" aria-labelledby="device-visit-title" data-testid="device-visit">
      <h2 id="device-visit-title">{t('deviceDetail.visitTitle')}</h2>
      <p class="muted">{t('deviceDetail.visitBody')}</p>
      <Show when={phaseIs('idle', 'connecting')}>
        <button type="button" class="button button-primary" disabled={phaseIs('connecting')} onClick={() => void session.connectBluetooth()}>
          {t('stamp.connect')}
        </button>
      </Show>
      <Show when={session.info()}>
        {(info) => (
          <>
            <Show when={other()}>
              {(id) => (
                <p class="alert alert-error" role="alert" data-error-code="other_device">
                  {t('deviceDetail.visitOther', { id: id() })}
                </p>
              )}
            </Show>
            <p data-testid="device-visit-list" data-version={info().revocations?.[0] ?? ''}>
              {info().revocations === undefined ? t('deviceDetail.visitNoList') : t('deviceDetail.visitList', { date: names.date(info().revocations![1]) })}
            </p>
            <Show when={session.recording().state === 'recording'}>
              <p class="muted" data-testid="device-visit-log" data-held-seq={session.recording().heldSeq ?? ''}>
                {session.recording().heldSeq === null
                  ? t('stamp.logNothingHeld')
                  : t('stamp.logRecording', { recorded: String(session.recording().recorded), photos: String(session.recording().photos) })}
              </p>
            </Show>
            <button type="button" class="button button-secondary" onClick={() => void session.disconnect()}>
              {t('deviceDetail.visitDisconnect')}
            </button>
          </>
        )}
      </Show>
      <Show when={!session.linkUp() && session.info() !== undefined}>
        <p class="note note-warn" role="status">{t('stamp.reconnecting')}</p>
      </Show>
      <Show when={session.error()}>
        {(code) => (
          <p class="alert alert-error" role="alert" data-error-code={code()}>
            {names.codeText(code())}
          </p>
        )}
      </Show>
    </section>
  );
}
