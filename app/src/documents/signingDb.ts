import Dexie, { type Table } from 'dexie';

/**
 * This tablet's electronic-signing state in IndexedDB (ADR 008), apart from the replicated store:
 * the non-extractable key per seal × holder (a CryptoKey: IndexedDB keeps it, nobody can read it)
 * with the certificate the server issued for it, and the signed PDFs waiting for the
 * organisation's countersignature (and, once countersigned, the result).
 */

/** The key and certificate held for one seal × holder; the certificate is absent until first issued. */
export interface HeldCredential {
  /** `<sealId> <holderId>`. */
  readonly id: string;
  readonly sealId: string;
  readonly holderId: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly certificate?: {
    readonly serial: string;
    /** PEM, and the issuers above it (PEM each). */
    readonly pem: string;
    readonly chain: readonly string[];
    readonly notBefore: number;
    readonly notAfter: number;
  };
}

/** A signed PDF queued for the countersignature, and what came back. */
export interface PendingCountersign {
  readonly impressionId: string;
  /** Whose impression it is: sent only under their session (absent in entries queued before it was kept: anyone's). */
  readonly holderId?: string;
  readonly signedPdf: Uint8Array;
  readonly signedSha256: string;
  readonly queuedAt: number;
  readonly countersigned?: { readonly sha256: string; readonly pdf: Uint8Array; readonly at: string };
  readonly lastError?: string;
  /** The server refused to countersign (422: the impression is not authorised, or the PDF is not the one recorded): not sent again. */
  readonly refused?: { readonly code: string; readonly message: string };
}

export class SigningDb extends Dexie {
  credentials!: Table<HeldCredential, string>;
  countersign!: Table<PendingCountersign, string>;

  /** `deps` is for tests (fake-indexeddb); the browser's IndexedDB otherwise. */
  constructor(name = 'sealctl-signing', deps?: { indexedDB: IDBFactory; IDBKeyRange: typeof IDBKeyRange }) {
    super(name, deps);
    this.version(1).stores({ credentials: 'id', countersign: 'impressionId' });
  }
}

export const credentialId = (sealId: string, holderId: string): string => `${sealId} ${holderId}`;

let shared: SigningDb | undefined;
/** The browser's one signing database (opened on first use). */
export function signingDb(): SigningDb {
  shared ??= new SigningDb();
  return shared;
}
