import * as Automerge from '@automerge/automerge';
import { describe, expect, it } from 'vitest';
import { toBase64Url } from '../encoding/base64url';
import { applyChangeRows } from './applyChangeRows';

const rowOf = (change: Uint8Array) => ({ id: `change:seal:s1:${Automerge.decodeChange(change).hash}`, bytes: toBase64Url(change) });
const build = (bytes: readonly Uint8Array[]) => Automerge.applyChanges(Automerge.init<Record<string, unknown>>(), [...bytes])[0];

describe('a record built from its change rows', () => {
  it('applies them all, in any order, when they all apply', () => {
    const made = Automerge.from<Record<string, unknown>>({ name: '合同章' }, { actor: 'aa'.repeat(16) });
    const creation = Automerge.getLastLocalChange(made)!;
    const renamed = Automerge.change(made, (d) => void (d.name = '合同专用章'));
    const rows = [Automerge.getLastLocalChange(renamed)!, creation].map(rowOf);
    const { doc, skipped } = applyChangeRows(build, rows);
    expect(skipped).toEqual([]);
    expect(Automerge.toJS(doc)).toEqual({ name: '合同专用章' });
  });

  it('leaves out, the same way whatever the order held, a change under a sequence number its actor used already, and bytes that do not decode', () => {
    const actor = 'bb'.repeat(16);
    const made = Automerge.from<Record<string, unknown>>({ name: '合同章' }, { actor });
    const twins = ['甲', '乙'].map((n) => Automerge.change(Automerge.clone(made, { actor }), (d) => void (d.name = n)));
    const rows = [rowOf(Automerge.getLastLocalChange(made)!), ...twins.map((t) => rowOf(Automerge.getLastLocalChange(t)!)), { id: 'change:seal:s1:zz', bytes: 'AAAA' }];
    // Applied all at once, Automerge refuses the pair: the record could not be loaded at all.
    expect(() => build(rows.map((r) => Uint8Array.from(Buffer.from(r.bytes, 'base64url'))))).toThrow();
    const first = applyChangeRows(build, rows);
    const reversed = applyChangeRows(build, [...rows].reverse());
    const twinIds = rows.slice(1, 3).map((r) => r.id).sort();
    expect(first.skipped).toEqual([twinIds[1], 'change:seal:s1:zz']);
    expect(reversed.skipped).toEqual(first.skipped);
    expect(Automerge.toJS(reversed.doc)).toEqual(Automerge.toJS(first.doc));
    const kept = rows.find((r) => r.id === twinIds[0])!;
    expect(Automerge.toJS(first.doc)).toEqual({ name: twins.map((t) => Automerge.toJS(t).name)[rows.slice(1, 3).indexOf(kept)] });
  });
});
