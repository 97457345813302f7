import { describe, expect, it } from 'vitest';
import type { Roster } from '@seal/shared';
import type { LocalStore } from '../store/localStore';
import { GrantIssuer } from './grantIssuer';
import type { RequestEntry } from './requestBook';

/** An approved request of `requesterId` for a physical seal with a device (a candidate); its decisions do not make a grant here. */
const approved = (id: string, requesterId: string, decisionIds: string[] = []): RequestEntry =>
  ({
    id,
    request: { id, requesterId, sealId: 'seal-1', unitId: 'site-1' },
    seal: { id: 'seal-1', form: 'physical', deviceId: 'device-1', unitId: 'site-1' },
    sealStatus: 'active',
    view: { status: 'approved' },
    decisions: decisionIds.map((d) => ({ id: d, approverId: 'approver', payload: { verdict: 'approve' } })),
    grants: [],
    electronicGrants: [],
  }) as unknown as RequestEntry;

const roster = (version: number) => ({ version, users: [], units: [] }) as unknown as Roster;

/** Counts the attempts to issue (each one ends in a log line: refused, or failed). */
function issuerWithLog() {
  const lines: string[] = [];
  const log = { info: (line: string) => lines.push(line), warn: (line: string) => lines.push(line) };
  return { issuer: new GrantIssuer(log), lines };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('GrantIssuer', () => {
  const store = {} as LocalStore;

  it('looks at a request once while its decisions, grants and the roster stay the same', async () => {
    const { issuer, lines } = issuerWithLog();
    const entries = [approved('req-1', 'sam')];
    issuer.consider(store, entries, 'sam', roster(1));
    issuer.consider(store, entries, 'sam', roster(1));
    issuer.consider(store, [approved('req-1', 'sam')], 'sam', roster(1));
    await settle();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/ request "req-1"/);
  });

  it('looks again when a decision arrives, the roster changes or another store opens', async () => {
    const { issuer, lines } = issuerWithLog();
    issuer.consider(store, [approved('req-1', 'sam')], 'sam', roster(1));
    issuer.consider(store, [approved('req-1', 'sam', ['d1'])], 'sam', roster(1));
    issuer.consider(store, [approved('req-1', 'sam', ['d1'])], 'sam', roster(2));
    issuer.consider({} as LocalStore, [approved('req-1', 'sam', ['d1'])], 'sam', roster(2));
    await settle();
    expect(lines).toHaveLength(4);
  });

  it('leaves requests that are not this user’s to issue', async () => {
    const { issuer, lines } = issuerWithLog();
    issuer.consider(store, [approved('req-1', 'someone-else')], 'sam', roster(1));
    await settle();
    expect(lines).toEqual([]);
  });
});
