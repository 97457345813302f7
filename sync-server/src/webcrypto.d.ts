/**
 * `shared/` is typed against the web platform, where `CryptoKey` is a global type. Node 20 has
 * the same class as `webcrypto.CryptoKey` (and the global `crypto`), but @types/node 20 does not
 * declare the global type name; this alias gives the server's program the web's name for it.
 */
import type { webcrypto } from 'node:crypto';

declare global {
  type CryptoKey = webcrypto.CryptoKey;
}

export {};
