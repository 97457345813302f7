import { createSignal, onCleanup, type Accessor } from 'solid-js';

/**
 * Whether the browser believes it has a network (`navigator.onLine`, kept current by the
 * `online`/`offline` events). "Online" only means a network interface is up; whether the
 * sync-server answers is the sync status's business, not this primitive's.
 */
export function createOnlineStatus(): Accessor<boolean> {
  const [online, setOnline] = createSignal(navigator.onLine);
  const update = (): void => {
    setOnline(navigator.onLine);
  };
  window.addEventListener('online', update);
  window.addEventListener('offline', update);
  onCleanup(() => {
    window.removeEventListener('online', update);
    window.removeEventListener('offline', update);
  });
  return online;
}
