import { Show, createEffect, onCleanup } from 'solid-js';
import { useRegisterSW } from 'virtual:pwa-register/solid';
import { useI18n } from '../i18n/I18nProvider';

/** How often a long-open tablet asks for a new version while it has a network. */
const UPDATE_CHECK_INTERVAL_MS = 60 * 60 * 1000;
/** "Ready to work offline" is news once; it leaves by itself. "Update available" stays. */
const OFFLINE_READY_VISIBLE_MS = 8_000;

/** How long a failed registration waits before it is reported: a page being left says nothing. */
const REGISTER_ERROR_GRACE_MS = 2_000;

/**
 * Reports a failed registration, unless the page is being left: leaving (a link, a reload) aborts
 * the fetch of the registration's lazily loaded module, which is no failure of this page, and its
 * timers die with it. Offline, the failure is expected and the next load tries again.
 */
function reportRegisterError(err: unknown): void {
  let leaving = false;
  const onLeave = (): void => {
    leaving = true;
  };
  // Back from the back/forward cache, or a leave that was called off: still this page's failure.
  const onStay = (): void => {
    leaving = false;
  };
  window.addEventListener('pagehide', onLeave);
  window.addEventListener('pageshow', onStay);
  setTimeout(() => {
    window.removeEventListener('pagehide', onLeave);
    window.removeEventListener('pageshow', onStay);
    if (leaving) return;
    if (!navigator.onLine) console.warn('Service worker not registered while offline: the next load tries again', err);
    else console.error('Service worker registration failed: the app will not work offline', err);
  }, REGISTER_ERROR_GRACE_MS);
}

/**
 * Registers the service worker and says, unobtrusively, when the app works offline and when a
 * new version waits for a reload.
 */
export function ServiceWorkerToast() {
  const { t } = useI18n();
  let updateTimer: ReturnType<typeof setInterval> | undefined;
  let stopListening: (() => void) | undefined;
  const {
    offlineReady: [offlineReady, setOfflineReady],
    needRefresh: [needRefresh, setNeedRefresh],
    updateServiceWorker,
  } = useRegisterSW({
    onRegisteredSW(_swUrl, registration) {
      if (!registration) return;
      const check = (): void => {
        if (!navigator.onLine) return;
        registration.update().catch((err: unknown) => console.warn('Service worker update check failed', err));
      };
      updateTimer = setInterval(check, UPDATE_CHECK_INTERVAL_MS);
      // A tablet back from days offline asks at once, not at the next hour.
      window.addEventListener('online', check);
      stopListening = () => window.removeEventListener('online', check);
    },
    onRegisterError(err: unknown) {
      reportRegisterError(err);
    },
  });
  onCleanup(() => {
    clearInterval(updateTimer);
    stopListening?.();
  });

  createEffect(() => {
    if (!offlineReady()) return;
    const timer = setTimeout(() => setOfflineReady(false), OFFLINE_READY_VISIBLE_MS);
    onCleanup(() => clearTimeout(timer));
  });

  const close = (): void => {
    setOfflineReady(false);
    setNeedRefresh(false);
  };
  const reload = (): void => {
    updateServiceWorker(true).catch((err: unknown) => console.error('Could not activate the update', err));
  };

  return (
    <Show when={offlineReady() || needRefresh()}>
      <div class="toast" role="status" data-testid="sw-toast">
        <p class="toast-message">{needRefresh() ? t('serviceWorker.needRefresh') : t('serviceWorker.offlineReady')}</p>
        <Show when={needRefresh()}>
          <button type="button" class="button button-primary" onClick={reload}>
            {t('serviceWorker.reload')}
          </button>
        </Show>
        <button type="button" class="button button-quiet" onClick={close} aria-label={t('serviceWorker.dismiss')}>
          ×
        </button>
      </div>
    </Show>
  );
}
