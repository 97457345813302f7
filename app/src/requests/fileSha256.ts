import { sha256, toHex } from '@seal/shared';

/**
 * The SHA-256 of a file's bytes as lowercase hex (WebCrypto): the document fingerprint approvers
 * sign, and the one a stamped copy is checked against later. Reads the whole file in memory:
 * documents to stamp are contracts and letters, not videos.
 */
export async function fileSha256(file: Blob): Promise<string> {
  return toHex(await sha256(new Uint8Array(await file.arrayBuffer())));
}
