import { beforeAll, describe, expect, it } from 'vitest';
import type { Roster } from '../crypto/roster';
import { SoftPasskey } from '../crypto/softPasskey';
import { withContentId } from './contentId';
import { decisionPayload, type Decision, type Verdict } from './decision';
import { approverB1, approverHQ, contractSeal, custodianApprover, request, staff, T0, UNITS, USERS } from './fixtures.testing';
import type { Grant } from './grant';
import { issueGrant } from './issueGrant';
import { judgeGrant } from './judgeGrant';
import type { User } from './user';
import type { UseRequest } from './useRequest';

const ORIGIN = 'https://seal.example';
const RP_ID = 'seal.example';
const passkeys = new Map<string, SoftPasskey>();
let roster: Roster;

beforeAll(async () => {
  for (const user of USERS) passkeys.set(user.id, await SoftPasskey.create(ORIGIN, RP_ID));
  roster = {
    version: 1, issuedAt: T0, orgKeyId: 'A'.repeat(43), rpId: RP_ID, origins: [ORIGIN], revokedCredentials: [],
    users: USERS.map((u) => ({ id: u.id, displayName: u.name, roles: u.grants.map((g) => ({ role: g.role, unitId: g.unitId })), credentials: [passkeys.get(u.id)!.rosterCredential()] })),
    units: UNITS.map((u) => ({ id: u.id, parentId: u.parentId, kind: u.kind, ...(u.geofence ? { geofence: u.geofence } : {}) })),
  };
});

/** A decision signed with the approver's passkey over `terms` (the request's current ones by default). */
async function decide(approver: User, verdict: Verdict, at = T0 - 1_000, terms: UseRequest = request): Promise<Decision> {
  const payload = decisionPayload(terms, verdict);
  return (await withContentId({ approverId: approver.id, payload, assertion: await passkeys.get(approver.id)!.assertRecord(payload), at })) as Decision;
}

const records = () => ({ request, seal: contractSeal, roster });

describe('issueGrant', () => {
  it('issues one grant whatever the order or copies of the decisions, and judgeGrant accepts it', async () => {
    const b1 = await decide(approverB1, 'approve');
    const hq = await decide(approverHQ, 'approve');
    const first = await issueGrant(records(), [b1, hq]);
    const second = await issueGrant(records(), [hq, b1, hq]);
    if (!first.ok || !second.ok) throw new Error('expected a grant');
    expect(second.value).toEqual(first.value);
    expect(first.value).toMatchObject({ requestId: request.id, holderId: staff.id, deviceId: contractSeal.deviceId, uses: 2, window: request.window, geofence: request.place.geofence });
    expect(first.value.decisions.map((d) => d.approverId).sort()).toEqual([approverB1.id, approverHQ.id].sort());
    expect(await judgeGrant(first.value, records())).toMatchObject({ ok: true });
  });

  it('issues nothing while the route is not met, after a veto, or for a seal in no device', async () => {
    const b1 = await decide(approverB1, 'approve');
    expect(await issueGrant(records(), [])).toMatchObject({ ok: false, error: { code: 'grant_insufficient_approvals' } });
    expect(await issueGrant(records(), [await decide(custodianApprover, 'approve')])).toMatchObject({ ok: false, error: { code: 'grant_insufficient_approvals' } });
    expect(await issueGrant(records(), [b1, await decide(approverHQ, 'reject')])).toMatchObject({ ok: false, error: { code: 'grant_rejected' } });
    expect(await issueGrant(records(), [await decide(approverB1, 'approve', T0, { ...request, usesRequested: 5 })])).toMatchObject({ ok: false, error: { code: 'grant_insufficient_approvals' } });
    expect(await issueGrant({ ...records(), seal: { ...contractSeal, deviceId: null } }, [b1])).toMatchObject({ ok: false, error: { code: 'grant_wrong_device' } });
  });

  it('issues nothing from an approval whose signature the roster does not honour', async () => {
    const b1 = await decide(approverB1, 'approve');
    const revokedRoster = { ...roster, users: roster.users.map((u) => (u.id === approverB1.id ? { ...u, credentials: [] } : u)), revokedCredentials: [{ id: passkeys.get(approverB1.id)!.id, revokedAt: T0, userId: approverB1.id }] };
    expect(await issueGrant({ ...records(), roster: revokedRoster }, [b1])).toMatchObject({ ok: false, error: { code: 'grant_approver_revoked' } });
    const { id: _id, ...b1Body } = b1;
    const forged = (await withContentId({ ...b1Body, payload: { ...b1.payload, uses: 1 } })) as Decision;
    expect(await issueGrant({ ...records(), request: { ...request, usesRequested: 1 } }, [forged])).toMatchObject({ ok: false, error: { code: 'grant_approval_invalid' } });
  });
});

describe('judgeGrant', () => {
  it('refuses a grant whose terms were narrowed, and one whose request was edited since', async () => {
    const issued = await issueGrant(records(), [await decide(approverB1, 'approve')]);
    if (!issued.ok) throw new Error(issued.error.message);
    const { id: _id, ...body } = issued.value;
    const narrowed = (await withContentId({ ...body, uses: 1 })) as Grant;
    expect(await judgeGrant(narrowed, records())).toMatchObject({ ok: false, error: { code: 'grant_terms_mismatch' } });
    expect(await judgeGrant(issued.value, { ...records(), request: { ...request, copies: 3, usesRequested: 3 } })).toMatchObject({ ok: false, error: { code: 'grant_stale_terms' } });
  });
});
