import { createHash } from 'node:crypto';
import type { Sha256HexFunction } from '@seal/shared';

/** SHA-256 hex with node:crypto: the same digest as WebCrypto's, without an async hop per row. */
export const nodeSha256Hex: Sha256HexFunction = (bytes) => createHash('sha256').update(bytes).digest('hex');
