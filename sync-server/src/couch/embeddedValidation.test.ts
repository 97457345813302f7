/**
 * Validation functions on the embedded store, as CouchDB runs them: pouchdb-validation reads the
 * design documents once per `_bulk_docs` call (patches/pouchdb-validation+4.2.0.patch), not once
 * per document of it, and compiles their `validate_doc_update` again only when their revisions
 * changed. That must change nothing
 * the store's append-only rule relies on: every document of a call is judged on its own and
 * answered under its own id, a design document written after a call judges the next call, and a
 * validation function that fails to compile refuses every document, each answered under its id.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import nano from 'nano';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestStore, type TestStore } from '../testing/testServer';

let store: TestStore;

beforeAll(async () => {
  store = await startTestStore();
});
afterAll(async () => store?.close());

type Answer = { id: string; ok?: boolean; error?: string; reason?: string };

/** A database of the embedded store, fresh. */
async function database(name: string) {
  const client = nano(store.embedded.url);
  await client.db.create(name);
  return client.use<Record<string, unknown>>(name);
}

/** Append-only, and nothing marked `bad`: the shape of the store's own rule. */
const APPEND_ONLY = {
  _id: '_design/guard',
  validate_doc_update: 'function (newDoc, oldDoc) { if (oldDoc) throw({ forbidden: "append-only: " + newDoc._id }); if (newDoc.bad) throw({ forbidden: "bad: " + newDoc._id }); }',
};

describe('validation on the embedded store', () => {
  it('runs on the patched pouchdb-validation (patch-package applied it at install)', () => {
    const require = createRequire(createRequire(import.meta.url).resolve('express-pouchdb'));
    const source = readFileSync(require.resolve('pouchdb-validation'), 'utf8');
    expect(source).toContain('sealctl patch (patches/pouchdb-validation+4.2.0.patch)');
  });

  it('judges every document of one _bulk_docs on its own, and answers each under its own id', async () => {
    const db = await database('validation_each');
    await db.insert(APPEND_ONLY);
    const docs = Array.from({ length: 40 }, (_, i) => ({ _id: `d${String(i).padStart(2, '0')}`, n: i, ...(i % 9 === 4 ? { bad: true } : {}) }));
    const answers = (await db.bulk({ docs })) as Answer[];
    const bad = docs.filter((d) => 'bad' in d).map((d) => d._id);
    expect(answers.filter((a) => a.error).map((a) => [a.id, a.error, a.reason]).sort()).toEqual(bad.map((id) => [id, 'forbidden', `bad: ${id}`]));
    expect(answers.filter((a) => a.ok).map((a) => a.id).sort()).toEqual(docs.filter((d) => !('bad' in d)).map((d) => d._id));

    // A rewrite of stored documents in the middle of new ones: only the rewrites are refused.
    const stored = await db.fetch({ keys: ['d00', 'd01'] });
    const rewrites = stored.rows.map((r) => ({ ...(r as { doc: Record<string, unknown> }).doc, n: -1 }));
    const again = (await db.bulk({ docs: [{ _id: 'e0', n: 0 }, ...rewrites, { _id: 'e1', n: 1 }] })) as Answer[];
    expect(again.filter((a) => a.error).map((a) => [a.id, a.error, a.reason]).sort()).toEqual([['d00', 'forbidden', 'append-only: d00'], ['d01', 'forbidden', 'append-only: d01']]);
    expect(again.filter((a) => a.ok).map((a) => a.id).sort()).toEqual(['e0', 'e1']);
    expect((await db.get('d00')).n).toBe(0);
  });

  it('judges each _bulk_docs by the design documents as they stand when it begins', async () => {
    const db = await database('validation_later');
    expect(((await db.bulk({ docs: [{ _id: 'a', bad: true }] })) as Answer[]).map((a) => a.ok)).toEqual([true]);
    await db.insert(APPEND_ONLY);
    const answers = (await db.bulk({ docs: [{ _id: 'b', bad: true }, { _id: 'c' }] })) as Answer[];
    expect(answers.map((a) => [a.id, a.error ?? 'ok']).sort()).toEqual([['b', 'forbidden'], ['c', 'ok']]);
    // A guard changed in place (the same design document, a new revision) judges the next call by its new code.
    const strict = await db.get('_design/guard');
    await db.insert({ ...strict, validate_doc_update: 'function (newDoc) { if (newDoc.odd) throw({ forbidden: "odd: " + newDoc._id }); }' });
    const changed = (await db.bulk({ docs: [{ _id: 'b2', bad: true }, { _id: 'c2', odd: true }] })) as Answer[];
    expect(changed.map((a) => [a.id, a.error ?? 'ok']).sort()).toEqual([['b2', 'ok'], ['c2', 'forbidden']]);
    // And a guard taken away no longer judges the next call.
    const guard = await db.get('_design/guard');
    await db.destroy('_design/guard', guard._rev);
    expect(((await db.bulk({ docs: [{ _id: 'd', bad: true }, { _id: 'e', odd: true }] })) as Answer[]).map((a) => a.ok)).toEqual([true, true]);
  });

  it('judges a database made again under the same name by its own design documents, not those of the one before', async () => {
    const client = nano(store.embedded.url);
    const first = await database('validation_again');
    await first.insert(APPEND_ONLY);
    expect(((await first.bulk({ docs: [{ _id: 'x', bad: true }] })) as Answer[])[0]?.error).toBe('forbidden');
    await client.db.destroy('validation_again');
    const again = await database('validation_again');
    expect(((await again.bulk({ docs: [{ _id: 'x', bad: true }] })) as Answer[])[0]?.ok).toBe(true);
    await again.insert({ _id: '_design/guard', validate_doc_update: 'function (newDoc) { if (newDoc.odd) throw({ forbidden: "odd" }); }' });
    const answers = (await again.bulk({ docs: [{ _id: 'y', bad: true }, { _id: 'z', odd: true }] })) as Answer[];
    expect(answers.map((a) => [a.id, a.error ?? 'ok']).sort()).toEqual([['y', 'ok'], ['z', 'forbidden']]);

    // Even when the new database's guard carries the old one's revision (written with
    // new_edits=false, as a restore or a replication would): its own code judges.
    const rev = '1-0123456789abcdef0123456789abcdef';
    const withRev = (code: string) => ({ docs: [{ _id: '_design/same-rev', _rev: rev, validate_doc_update: code }], new_edits: false });
    const lenient = await database('validation_same_rev');
    await lenient.bulk(withRev('function (newDoc) { }'));
    expect(((await lenient.bulk({ docs: [{ _id: 'p', bad: true }] })) as Answer[])[0]?.ok).toBe(true);
    await client.db.destroy('validation_same_rev');
    const strict = await database('validation_same_rev');
    await strict.bulk(withRev('function (newDoc) { if (newDoc.bad) throw({ forbidden: "bad" }); }'));
    expect(((await strict.bulk({ docs: [{ _id: 'q', bad: true }] })) as Answer[])[0]?.error).toBe('forbidden');
  });

  it('refuses every document when a validation function does not compile, each under its own id', async () => {
    const db = await database('validation_broken');
    await db.insert({ _id: '_design/broken', validate_doc_update: 'function (newDoc) { this is not javascript' });
    const docs = Array.from({ length: 5 }, (_, i) => ({ _id: `x${i}` }));
    const answers = (await db.bulk({ docs })) as Answer[];
    expect(answers.map((a) => a.id).sort()).toEqual(docs.map((d) => d._id));
    expect(answers.every((a) => a.error !== undefined && !a.ok)).toBe(true);
    const held = await db.fetch({ keys: docs.map((d) => d._id) });
    expect(held.rows.filter((r) => 'doc' in r && r.doc)).toHaveLength(0);
  });
});
