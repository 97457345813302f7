import { fromPem } from '@seal/shared';
import { fetchCaCertificate } from '../api/documents';

/** The organisation CA certificates this device trusts for stamped PDFs, and where they came from. */
export interface TrustedRoots {
  /** DER of every CA certificate seen (the current one first): older documents chain to an older CA. */
  readonly roots: readonly Uint8Array[];
  /** `server`: fetched just now; `device`: kept from an earlier visit (offline); `none`: never fetched here. */
  readonly source: 'server' | 'device' | 'none';
  /** When the newest certificate was fetched from the server. */
  readonly fetchedAt: number | null;
}

interface Kept {
  readonly pems: readonly string[];
  readonly fetchedAt: number;
}

const CACHE_NAME = 'sealctl-verify-keys';
const CACHE_KEY = '/verify-keys/ca.json';

async function readKept(): Promise<Kept | undefined> {
  try {
    const response = await (await caches.open(CACHE_NAME)).match(CACHE_KEY);
    if (response === undefined) return undefined;
    const kept = (await response.json()) as Partial<Kept>;
    return Array.isArray(kept.pems) && typeof kept.fetchedAt === 'number' ? { pems: kept.pems.filter((p) => typeof p === 'string'), fetchedAt: kept.fetchedAt } : undefined;
  } catch {
    return undefined;
  }
}

async function keep(kept: Kept): Promise<void> {
  try {
    await (await caches.open(CACHE_NAME)).put(CACHE_KEY, new Response(JSON.stringify(kept), { headers: { 'content-type': 'application/json' } }));
  } catch {
    // No Cache Storage (a private window may refuse it): verification still works online.
  }
}

const rootsOf = (pems: readonly string[]): Uint8Array[] => pems.flatMap((pem) => {
  try {
    return fromPem('CERTIFICATE', pem);
  } catch {
    return [];
  }
});

/**
 * The CA certificates to check signatures against: fetched from the server when it answers (and
 * kept in Cache Storage, with every older one seen, for offline use and for documents signed under
 * an earlier CA), else the ones kept on this device. Never a certificate the PDF itself carries.
 */
export async function loadTrustedRoots(now: () => number = Date.now): Promise<TrustedRoots> {
  const kept = await readKept();
  try {
    const pem = await fetchCaCertificate();
    const pems = [pem, ...(kept?.pems ?? []).filter((p) => p !== pem)];
    const fetchedAt = now();
    await keep({ pems, fetchedAt });
    return { roots: rootsOf(pems), source: 'server', fetchedAt };
  } catch {
    if (kept === undefined) return { roots: [], source: 'none', fetchedAt: null };
    return { roots: rootsOf(kept.pems), source: 'device', fetchedAt: kept.fetchedAt };
  }
}
