import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSigningRequest, generateSigningKeyPair, issueSigningCertificate, newSerialNumber, readCertificate, readSigningRequest } from '@seal/shared';
import { loadOrCreateOrgCa } from './orgCa';

describe('organisation CA file', () => {
  let dir: string;
  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'sealctl-orgca-')); });
  afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

  it('is made on first start (mode 0600, key and certificate), loaded the same afterwards, and issues certificates it verifies', async () => {
    const path = join(dir, 'data', 'org-ca.pem');
    const lines: string[] = [];
    const first = await loadOrCreateOrgCa(path, 'HQ 总部', Date.now(), (l) => lines.push(l));
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(lines.join('\n')).toMatch(/Generated the organisation CA/);
    const text = await readFile(path, 'utf8');
    expect(text).toContain('-----BEGIN PRIVATE KEY-----');
    expect(text).toContain('-----BEGIN CERTIFICATE-----');
    const again = await loadOrCreateOrgCa(path, 'another name is ignored once the file exists', Date.now());
    expect(again.certificate).toEqual(first.certificate);
    expect(again.privateKey.extractable).toBe(false);

    const ca = readCertificate(again.certificate);
    expect(ca.subject.typesAndValues.map((tv) => String(tv.value.valueBlock.value))).toEqual(['HQ 总部', 'HQ 总部 CA']);
    const keys = await generateSigningKeyPair({ extractable: false });
    const leaf = await issueSigningCertificate(again, await readSigningRequest(await createSigningRequest(keys, { commonName: 's', organization: 'o' })), {
      serialNumber: newSerialNumber(), subject: { commonName: 's', organization: 'o' }, notBefore: new Date(), notAfter: new Date(Date.now() + 86_400_000),
    });
    expect(await readCertificate(leaf).verify(ca)).toBe(true);
  });
});
