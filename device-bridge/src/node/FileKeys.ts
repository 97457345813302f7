import { readFile, writeFile } from 'node:fs/promises';
import { deviceKeyFrom } from '../device/memoryKeys';
import type { DeviceKey, KeyPort } from '../device/ports';

/**
 * The simulator's "secure element": the device key as a private JWK in a file (mode 0600). A real
 * device never exports its key; the simulator must, to survive restarts.
 */
export class FileKeys implements KeyPort {
  constructor(private readonly file: string) {}

  async load(): Promise<DeviceKey | null> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const jwk = JSON.parse(text) as JsonWebKey;
    const algorithm = { name: 'ECDSA', namedCurve: 'P-256' };
    const privateKey = await crypto.subtle.importKey('jwk', jwk, algorithm, false, ['sign']);
    const { d: _d, key_ops: _ops, ...publicJwk } = jwk;
    const publicKey = await crypto.subtle.importKey('jwk', publicJwk, algorithm, true, ['verify']);
    return deviceKeyFrom(privateKey, publicKey);
  }

  async generate(): Promise<DeviceKey> {
    const pair = await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
    await writeFile(this.file, JSON.stringify(await crypto.subtle.exportKey('jwk', pair.privateKey)), { mode: 0o600 });
    return deviceKeyFrom(pair.privateKey, pair.publicKey);
  }
}
