import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRecord, verifyRecordSignature } from '@seal/shared';
import { loadOrCreateOrgKey } from './orgKey';

describe('organisation key file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sealctl-orgkey-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is generated on first start with mode 0600, and the same key is loaded afterwards', async () => {
    const path = join(dir, 'keys', 'org-key.pem');
    const lines: string[] = [];
    const first = await loadOrCreateOrgKey(path, (l) => lines.push(l));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(lines.join('\n')).toMatch(/Generated the organisation key/);
    const again = await loadOrCreateOrgKey(path);
    expect(again.keyId).toBe(first.keyId);
    expect(again.publicJwk).toEqual(first.publicJwk);
    const signature = await signRecord(again.privateKey, { a: 1 });
    expect(await verifyRecordSignature(first.publicJwk, { a: 1 }, signature)).toEqual({ ok: true, value: true });
  });

  it('warns when the file is readable by others', async () => {
    const path = join(dir, 'loose.pem');
    await loadOrCreateOrgKey(path);
    const { chmod } = await import('node:fs/promises');
    await chmod(path, 0o644);
    const lines: string[] = [];
    await loadOrCreateOrgKey(path, (l) => lines.push(l));
    expect(lines.join('\n')).toMatch(/readable by others .*chmod 600/);
  });

  it('refuses a file that is not a P-256 key', async () => {
    const path = join(dir, 'bad.pem');
    await writeFile(path, 'not a key', { mode: 0o600 });
    await expect(loadOrCreateOrgKey(path)).rejects.toThrow();
  });
});
