import { createEffect, createSignal, type Accessor } from 'solid-js';
import { useAuth } from '../auth/AuthProvider';
import { holdsRole } from '../auth/roles';
import { sealFontHeld, warmSealFont } from './sealFont';

/**
 * Keeps the seal's font on the tablets of people who may stamp (staff): the first time the app
 * runs online for them, the font is fetched into its cache (see `sealFont.ts`), so electronic
 * stamping works offline afterwards. Once per app start; tried again when the network returns.
 * Says whether the font is held (undefined until known).
 */
export function createSealFontWarmUp(online: Accessor<boolean>): Accessor<boolean | undefined> {
  const auth = useAuth();
  const [held, setHeld] = createSignal<boolean>();
  let running = false;
  createEffect(() => {
    if (!holdsRole(auth.session(), 'staff') || held() === true || running) return;
    const isOnline = online();
    running = true;
    void (isOnline ? warmSealFont() : sealFontHeld())
      .catch(() => false)
      .then((now) => {
        running = false;
        setHeld(now);
      });
  });
  return held;
}
