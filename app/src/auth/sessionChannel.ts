import { onSessionCachedElsewhere } from './sessionCache';

/** The channel tabs of this origin announce sign-ins and sign-outs on. */
const CHANNEL = 'seal-control.session';

interface Announcement {
  readonly type: 'session';
  /** Who is signed in now; `null` after a sign-out. */
  readonly userId: string | null;
}

const isAnnouncement = (data: unknown): data is Announcement =>
  typeof data === 'object' && data !== null && (data as Announcement).type === 'session' && ((data as Announcement).userId === null || typeof (data as Announcement).userId === 'string');

/**
 * Tells the other tabs who is signed in here now. The session cookie is shared by every tab of
 * the origin: a sign-in here changes whose session they run under, so they must stop the
 * store they run at once (see `listenForSessionElsewhere`).
 */
export function announceSession(userId: string | null): void {
  if (typeof BroadcastChannel === 'undefined') return;
  const channel = new BroadcastChannel(CHANNEL);
  channel.postMessage({ type: 'session', userId } satisfies Announcement);
  channel.close();
}

/**
 * Calls `listener` when another tab signed in (with that user's id) or out (`null`):
 * BroadcastChannel, and the `storage` event of the remembered session where that is missing or
 * late (either may come first; the listener gets both). Returns the unsubscribe function.
 */
export function listenForSessionElsewhere(listener: (userId: string | null) => void): () => void {
  const stopStorage = onSessionCachedElsewhere(listener);
  if (typeof BroadcastChannel === 'undefined') return stopStorage;
  const channel = new BroadcastChannel(CHANNEL);
  channel.onmessage = (event: MessageEvent<unknown>) => {
    if (isAnnouncement(event.data)) listener(event.data.userId);
  };
  return () => {
    stopStorage();
    channel.close();
  };
}
