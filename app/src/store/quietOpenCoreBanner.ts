/** The first line of the notice RxDB's free Dexie storage prints on its first write in every page. */
const OPEN_CORE_BANNER = '-------------- RxDB Open Core RxStorage';

let installed = false;

/**
 * Keeps RxDB's open-core advertisement (a seven-line banner on the first write of every page
 * load, in production too) out of the console of the built app: on a site tablet the console is
 * for our own diagnostics, and a banner repeated on every load buries them. Only that exact
 * notice is dropped; every other warning passes through unchanged.
 */
export function quietOpenCoreBanner(): void {
  if (installed || !import.meta.env.PROD) return;
  installed = true;
  const warn = console.warn.bind(console);
  console.warn = (...args: unknown[]): void => {
    if (typeof args[0] === 'string' && args[0].startsWith(OPEN_CORE_BANNER)) return;
    warn(...args);
  };
}
