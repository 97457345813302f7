import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { exportPublicJwk, generateOrgKeyPair, jwkThumbprint, type P256PublicJwk } from '@seal/shared';

/** The organisation signing key as the server holds it. */
export interface OrgKey {
  readonly privateKey: CryptoKey;
  readonly publicJwk: P256PublicJwk;
  /** RFC 7638 thumbprint of the public key; rosters name their signer by it. */
  readonly keyId: string;
}

async function fromPem(pem: string, path: string): Promise<OrgKey> {
  const keyObject = createPrivateKey({ key: pem, format: 'pem' });
  if (keyObject.asymmetricKeyType !== 'ec' || keyObject.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new Error(`${path} is not an EC P-256 private key (got ${keyObject.asymmetricKeyType ?? '?'} ${keyObject.asymmetricKeyDetails?.namedCurve ?? ''})`);
  }
  const pkcs8 = keyObject.export({ format: 'der', type: 'pkcs8' });
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const spki = createPublicKey(keyObject).export({ format: 'der', type: 'spki' });
  const publicKey = await crypto.subtle.importKey('spki', spki, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['verify']);
  const publicJwk = await exportPublicJwk(publicKey);
  return { privateKey, publicJwk, keyId: await jwkThumbprint(publicJwk) };
}

/**
 * Loads the organisation key from `path` (PKCS#8 PEM), generating it on first start with file
 * mode 0600. Exclusive create (`wx`): when several servers start at once on a shared volume,
 * one writes and the others read what it wrote. Several servers must share the same key file.
 *
 * @param log - where to say that a key was generated, or that the file is readable by others
 */
export async function loadOrCreateOrgKey(path: string, log: (line: string) => void = () => {}): Promise<OrgKey> {
  try {
    const mode = (await stat(path)).mode & 0o777;
    if (mode & 0o077) log(`WARNING: organisation key ${path} is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${path}`);
    return await fromPem(await readFile(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const pair = await generateOrgKeyPair({ extractable: true });
  const pkcs8 = Buffer.from(await crypto.subtle.exportKey('pkcs8', pair.privateKey));
  const pem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').match(/.{1,64}/g)!.join('\n')}\n-----END PRIVATE KEY-----\n`;
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    await writeFile(path, pem, { mode: 0o600, flag: 'wx' });
    await chmod(path, 0o600); // the umask may have narrowed it further, never widened; be explicit
    log(`Generated the organisation key (ECDSA P-256) at ${path} — back it up; keep it out of the repository`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return fromPem(await readFile(path, 'utf8'), path);
}
