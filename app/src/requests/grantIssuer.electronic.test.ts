import { describe, expect, it } from 'vitest';
import {
  decisionPayload, judgeElectronicGrant, withContentId,
  type Decision, type ElectronicGrant, type ElectronicSeal, type Roster, type UseRequest, type User, type Verdict,
} from '@seal/shared';
import { approverB1, approverHQ, contractSeal, request as physicalRequest, SoftPasskey, T0, UNITS, USERS } from '@seal/shared/testing';
import type { LocalStore } from '../store/localStore';
import { grantCandidates, issueMissingGrant } from './grantIssuer';
import type { RequestEntry } from './requestBook';

const ORIGIN = 'https://seal.example';
const RP_ID = 'seal.example';
const eSeal: ElectronicSeal = { id: 'seal-e-b1' as ElectronicSeal['id'], name: '华东分公司合同专用章', kind: 'contract', form: 'electronic', unitId: contractSeal.unitId, custodianId: contractSeal.custodianId, status: 'active', createdAt: 1_000 };
const request: UseRequest = { ...physicalRequest, id: 'req-e' as UseRequest['id'], sealId: eSeal.id, document: { title: '合同', sha256: 'ab'.repeat(32), pages: 3 }, place: { unitId: physicalRequest.place.unitId } };

async function world() {
  const passkeys = new Map<string, SoftPasskey>();
  for (const user of USERS) passkeys.set(user.id, await SoftPasskey.create(ORIGIN, RP_ID));
  const roster: Roster = {
    version: 1, issuedAt: T0, orgKeyId: 'A'.repeat(43), rpId: RP_ID, origins: [ORIGIN], revokedCredentials: [],
    users: USERS.map((u) => ({ id: u.id, displayName: u.name, roles: u.grants.map((g) => ({ role: g.role, unitId: g.unitId })), credentials: [passkeys.get(u.id)!.rosterCredential()] })),
    units: UNITS.map((u) => ({ id: u.id, parentId: u.parentId, kind: u.kind, ...(u.geofence ? { geofence: u.geofence } : {}) })),
  };
  const decide = async (approver: User, verdict: Verdict): Promise<Decision> => {
    const payload = decisionPayload(request, verdict);
    return (await withContentId({ approverId: approver.id, payload, assertion: await passkeys.get(approver.id)!.assertRecord(payload), at: T0 - 1_000 })) as Decision;
  };
  return { roster, decide };
}

/** A store that keeps what is appended. */
function recordingStore() {
  const appended: { kind: string; body: unknown; unitId: string }[] = [];
  const store = { facts: { append: (kind: string, body: unknown, unitId: string) => { appended.push({ kind, body, unitId }); return Promise.resolve(); } } } as unknown as LocalStore;
  return { store, appended };
}

const entryOf = (decisions: Decision[], electronicGrants: ElectronicGrant[] = []): RequestEntry =>
  ({ id: request.id, request, seal: eSeal, sealStatus: 'active', view: { status: 'approved' }, decisions, grants: [], electronicGrants }) as unknown as RequestEntry;

describe('issuing the grant of an approved request for an electronic seal', () => {
  it('is the requester\'s app\'s to do, like a device grant', () => {
    const entry = entryOf([]);
    expect(grantCandidates([entry], request.requesterId)).toEqual([entry]);
    expect(grantCandidates([entry], 'someone-else')).toEqual([]);
  });

  it('records an electronic grant bound to the approved document hash, valid by the shared rule, and no second one', async () => {
    const { roster, decide } = await world();
    const decisions = [await decide(approverB1, 'approve'), await decide(approverHQ, 'approve')];
    const { store, appended } = recordingStore();
    expect(await issueMissingGrant(store, entryOf(decisions), roster)).toBe('issued');
    expect(appended).toHaveLength(1);
    expect(appended[0]!.kind).toBe('electronic_grant');
    expect(appended[0]!.unitId).toBe(request.unitId);
    const grant = appended[0]!.body as ElectronicGrant;
    expect(grant.documentSha256).toBe(request.document.sha256);
    expect((await judgeElectronicGrant(grant, { request, seal: eSeal, roster })).ok).toBe(true);
    expect(await issueMissingGrant(store, entryOf(decisions, [grant]), roster)).toBe('held');
    expect(appended).toHaveLength(1);
  });

  it('records nothing without a passkey approval that counts', async () => {
    const { roster, decide } = await world();
    const { store, appended } = recordingStore();
    // The approval of a user absent from the roster verifies against no passkey.
    const outcome = await issueMissingGrant(store, entryOf([await decide(approverB1, 'approve')]), { ...roster, users: roster.users.filter((u) => u.id !== approverB1.id) });
    expect(typeof outcome).toBe('object');
    expect(appended).toEqual([]);
  });
});
