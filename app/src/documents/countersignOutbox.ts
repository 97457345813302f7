import { fromBase64Url, toBase64Url } from '@seal/shared';
import { ApiError } from '../api/ApiError';
import { countersignImpression } from '../api/documents';
import type { SigningDb } from './signingDb';

const toBase64 = (bytes: Uint8Array): string => {
  const url = toBase64Url(bytes).replace(/-/g, '+').replace(/_/g, '/');
  return url + '='.repeat((4 - (url.length % 4)) % 4);
};
const fromBase64 = (text: string): Uint8Array => fromBase64Url(text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''));

/**
 * Sends each signed PDF still waiting to the countersign route and keeps what comes back. An
 * impression whose fact has not reached the server yet (404) or any other failure stays queued for
 * the next round; one the server refuses (422) is marked refused and not sent again. Returns how
 * many were countersigned this round.
 */
export async function flushCountersignatures(db: SigningDb, userId: string, stillSignedIn: () => boolean = () => true): Promise<number> {
  // A tablet several people share: each one's signed PDFs go up under their own session only.
  const waiting = (await db.countersign.toArray()).filter((p) => p.countersigned === undefined && p.refused === undefined && (p.holderId === undefined || p.holderId === userId));
  let done = 0;
  for (const pending of waiting) {
    // Signed out (or another person signed in) mid-round: the rest waits for its holder.
    if (!stillSignedIn()) break;
    try {
      const answer = await countersignImpression(pending.impressionId, toBase64(pending.signedPdf));
      await db.countersign.put({ ...pending, countersigned: { sha256: answer.sha256, pdf: fromBase64(answer.pdf), at: answer.countersignedAt } });
      done++;
    } catch (error) {
      // 422: the server judged the impression and will never countersign it (it is kept, flagged): stop sending it.
      if (error instanceof ApiError && error.status === 422) await db.countersign.put({ ...pending, refused: { code: String(error.code), message: error.message } });
      else await db.countersign.put({ ...pending, lastError: error instanceof Error ? error.message : String(error) });
    }
  }
  return done;
}

let round: (() => void) | undefined;

/**
 * Runs `flushCountersignatures` for whoever is signed in (`currentUser`; nobody: no round, so no
 * refusal for want of a session) when the browser comes online and every `everyMs` while it is
 * (once per page); one round at a time. Returns what starts a round now (after a new signature).
 */
export function startCountersignOutbox(db: SigningDb, currentUser: () => string | undefined, everyMs = 15_000): () => void {
  if (round !== undefined || typeof window === 'undefined') return round ?? (() => undefined);
  let running = false;
  const next = (): void => {
    const userId = currentUser();
    if (running || !navigator.onLine || userId === undefined) return;
    running = true;
    void flushCountersignatures(db, userId, () => currentUser() === userId).catch(() => 0).finally(() => { running = false; });
  };
  round = next;
  window.addEventListener('online', next);
  setInterval(next, everyMs);
  next();
  return next;
}
