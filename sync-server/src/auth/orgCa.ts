import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createCaCertificate, fromPem, generateSigningKeyPair, newSerialNumber, readCertificate, SIGNING_KEY_ALGORITHM, toPem, type Issuer } from '@seal/shared';

const YEAR_MS = 365.25 * 86_400_000;

async function fromFile(text: string, path: string): Promise<Issuer> {
  const [pkcs8] = fromPem('PRIVATE KEY', text);
  const [certificate] = fromPem('CERTIFICATE', text);
  if (!pkcs8 || !certificate) throw new Error(`${path} must hold the CA's PRIVATE KEY and its CERTIFICATE (PEM)`);
  readCertificate(certificate);
  const privateKey = await crypto.subtle.importKey('pkcs8', pkcs8, SIGNING_KEY_ALGORITHM, false, ['sign']);
  return { certificate, privateKey };
}

/**
 * The organisation's root CA (ADR 008): its P-256 key and self-signed certificate, both in one PEM
 * file at `path`, generated on first start (mode 0600, exclusive create: servers starting together
 * on a shared volume keep the one written first). Several servers must share this file, as they
 * share ORG_KEY_PATH; it never goes into the repository.
 */
export async function loadOrCreateOrgCa(path: string, organization: string, now: number, log: (line: string) => void = () => {}): Promise<Issuer> {
  try {
    const mode = (await stat(path)).mode & 0o777;
    if (mode & 0o077) log(`WARNING: organisation CA ${path} is readable by others (mode ${mode.toString(8)}); run: chmod 600 ${path}`);
    return await fromFile(await readFile(path, 'utf8'), path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const keys = await generateSigningKeyPair({ extractable: true });
  const certificate = await createCaCertificate(keys, {
    serialNumber: newSerialNumber(), subject: { commonName: `${organization} CA`, organization },
    notBefore: new Date(now - 86_400_000), notAfter: new Date(now + 10 * YEAR_MS),
  });
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', keys.privateKey));
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  try {
    await writeFile(path, toPem('PRIVATE KEY', pkcs8) + toPem('CERTIFICATE', certificate), { mode: 0o600, flag: 'wx' });
    await chmod(path, 0o600);
    log(`Generated the organisation CA (ECDSA P-256) at ${path} — back it up with the organisation key; keep it out of the repository`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return fromFile(await readFile(path, 'utf8'), path);
}
