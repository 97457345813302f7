import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestOrganisation, type TestOrganisation } from '../testing/testOrganisation';
import { createDoc } from './docs';
import type { AuditRecord } from './model';

describe('audit log under concurrency', () => {
  let org: TestOrganisation;

  beforeAll(async () => {
    org = await startTestOrganisation();
  });
  afterAll(async () => {
    await org?.close();
  });

  it('chains every one of 10 admin actions made at once: a lost race retries at the next seq', async () => {
    const before = await org.server.repos.audit.verify();
    if (!before.ok) throw new Error(`expected a valid chain before the test, got ${before.code}: ${before.message}`);
    // Invitations (audit only) and new sites (roster version, then audit), all racing.
    const actions = Array.from({ length: 10 }, (_, i) => (i % 2 === 0
      ? org.server.call('POST', '/api/invitations', { cookie: org.admin.cookie, body: { unitId: org.east, roles: ['staff'], note: `parallel ${i}` } })
      : org.server.call('POST', '/api/units', { cookie: org.admin.cookie, body: { name: `parallel ${i}`, kind: 'site', parentId: org.west } })));
    const responses = await Promise.all(actions);
    expect(responses.map((r) => r.statusCode)).toEqual(Array<number>(10).fill(201));
    expect(await org.server.repos.audit.verify()).toMatchObject({ ok: true, length: before.length + 10 });
    const records = await org.server.repos.audit.list(before.length, 100);
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 10 }, (_, i) => before.length + 1 + i));
    const made = records.map((r) => `${r.action} ${(r.after as { note?: string; name?: string }).note ?? (r.after as { name: string }).name}`);
    expect(made.sort()).toEqual(Array.from({ length: 10 }, (_, i) => `${i % 2 === 0 ? 'invitation' : 'unit'}.create parallel ${i}`).sort());
  });

  it("chains 120 appends one server makes at once (a flood of pushed seal edits): none is lost to the server's own races", async () => {
    const audit = org.server.repos.audit;
    const before = await audit.headSeq();
    const appended = await Promise.all(Array.from({ length: 120 }, (_, i) => audit.append({ actor: { userId: 'u-flood' }, action: 'seal.update', target: { kind: 'seal', id: `seal-${i}` }, unitId: org.east })));
    expect(appended.map((r) => r.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 120 }, (_, i) => before + 1 + i));
    expect(await audit.verify()).toMatchObject({ ok: true, length: before + 120 });
  });

  it('reports a taken audit id as taken, but still throws the store\'s other refusals', async () => {
    const db = org.server.store.couch.use<Partial<AuditRecord>>(org.server.store.dbName('audit'));
    const [first] = await org.server.repos.audit.list(0, 1);
    // The store's append-only rule refuses this with 403 `forbidden`, before any revision check.
    expect(await createDoc(db, 'audit:000000000001', { ...first!, action: 'rewritten' })).toBe(false);
    // A new id with a malformed record is a real refusal, not a lost race.
    await expect(createDoc(db, 'audit:999999999999', { type: 'audit', action: 'no seq or hash' })).rejects.toMatchObject({ statusCode: 403 });
  });
});
