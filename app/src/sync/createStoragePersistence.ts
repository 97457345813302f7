import { createEffect, createSignal, on, type Accessor } from 'solid-js';

/** What the browser said when asked to keep this device's data: `unsupported` where it cannot be asked. */
export type Persistence = 'unknown' | 'granted' | 'refused' | 'unsupported';

/**
 * Asks the browser to keep this origin's storage (`navigator.storage.persist()`) once someone has
 * signed in: from then on the device holds work that may not have reached the server yet (a week
 * of offline stamping), which the browser must not evict when space runs short. Asked at sign-in,
 * not at the first visit, so the request comes when it means something. The answer is kept so the
 * sync status can say when persistence was refused.
 */
export function createStoragePersistence(signedIn: Accessor<boolean>): Accessor<Persistence> {
  const [persistence, setPersistence] = createSignal<Persistence>('unknown');
  createEffect(on(signedIn, (yes) => {
    if (!yes || persistence() === 'granted') return;
    const storage = typeof navigator === 'undefined' ? undefined : navigator.storage;
    if (storage === undefined || typeof storage.persist !== 'function') {
      setPersistence('unsupported');
      return;
    }
    storage.persisted()
      .then((already) => already || storage.persist())
      .then((granted) => setPersistence(granted ? 'granted' : 'refused'))
      .catch((error: unknown) => {
        console.warn('Could not ask the browser to keep this device’s data', error);
        setPersistence('refused');
      });
  }));
  return persistence;
}
