import type { Reader } from './checkReader';

/** A read session (photos), opened on one link by a passkey over a fresh nonce (`readSession.ts`). */
export interface ReadSession extends Reader {
  /** Device clock after which the session no longer reads. */
  readonly expiresAt: number;
  /** The roster it was opened under: a newer one judges the reader again (`readerStanding`). */
  readonly rosterVersion?: number;
  /** The passkey that opened it (the reader's over `open_reads`, or the holder's unlock). */
  readonly credentialId?: string;
}

/** What the device keeps about the link it serves (RAM; reset when the link drops). */
export interface LinkState {
  /** The negotiated reply frame size (20 after a drop). */
  frameSize: number;
  /** The read session opened on this link, if any. */
  reader?: ReadSession | null;
}
