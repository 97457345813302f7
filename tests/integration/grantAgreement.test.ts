/**
 * One grant rule, three judges (issue 10 §3): a table of grants — valid, and forged in every way
 * we could think of — is judged by
 * - the app: `judgeHeldGrant` (the app's issuer judges held grants with the shared `judgeGrant`,
 *   against the request and seal it holds and the signed roster it fetched);
 * - the server: each grant pushed as a `grant` fact over HTTP by a signed-in member of the site,
 *   answered per row (`validateFact` → the shared `judgeGrant` against the server's records);
 * - the seal device: an `unlock` with the grant's evidence, sent as frames to reference devices
 *   provisioned with the server's org key, binding and roster (`judgeGrantEvidence` offline).
 * The three agree on every row. Four rows turn on what only records tell (the request as it
 * stands, content addresses, the decisions' own ids): the device cannot see them and admits the
 * grant — it is still bounded there by the approvers' signatures over the approved terms — while
 * the app and the server refuse it; the table says so row by row.
 *
 * Nothing here builds the expected verdicts with the code under test: the valid grants come from
 * the app's issuing function, the forged ones are edits of them, and the expectations are written
 * out by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createSealDevice, MemoryKeys, MemoryStorage, MemoryTransport, SealDeviceClient, SimulatedClock, SimulatedHardware,
  type GrantEvidence, type SealBinding, type Signed,
} from '@seal/device-bridge';
import {
  contentId, factRowId, grantBody, issueGrant, subjectOf, verifySignedRoster, withContentId,
  type AssertionFields, type Decision, type Grant, type P256PublicJwk, type PhysicalSeal, type PushResult, type Roster, type UseRequest, type Verdict,
} from '@seal/shared';
import { DEFAULT_TIMING, exchange } from '@seal/device-bridge/testing';
import { judgeHeldGrant } from '../../app/src/requests/grantIssuer';
import type { RequestEntry } from '../../app/src/requests/requestBook';
import { decision as signedDecision, deviceRecord, holdingSeal } from './fixtures';
import { replicaPool, setUpWorld, startSyncServer, syncAll, type Person, type RunningSync, type World } from './harness';

const HOUR = 3_600_000;
const FENCE = { lat: 31.2304, lon: 121.4737, radiusM: 300 };
const CONTRACT_DEVICE = 'dev-agree-contract';
const OFFICIAL_DEVICE = 'dev-agree-official';

let running: RunningSync;
let world: World;
let custodian: Person;
let staff: Person;
let staff2: Person;
let approverA: Person;
let approverB: Person;
let outsider: Person;
let revoked: Person;
let selfApprover: Person;
let T: number;
const replicas = replicaPool(() => running.url);

beforeAll(async () => {
  running = await startSyncServer();
  world = await setUpWorld(running.server);
  T = running.server.clock.now();
  custodian = await world.person(world.siteId, ['custodian'], 'Custodian 保管员');
  staff = await world.person(world.siteId, ['staff'], 'Staff 员工');
  staff2 = await world.person(world.siteId, ['staff'], 'Staff two 员工二');
  approverA = await world.person(world.branchId, ['approver'], 'Approver A 审批人甲');
  approverB = await world.person(world.branchId, ['approver'], 'Approver B 审批人乙');
  outsider = await world.person(world.otherBranchId, ['approver'], 'Approver elsewhere 外部审批人');
  revoked = await world.person(world.branchId, ['approver'], 'Approver to be deactivated 将停用审批人');
  selfApprover = await world.person(world.siteId, ['staff', 'approver'], 'Staff and approver 员工兼审批人');
}, 120_000);
afterAll(async () => running?.close());

const seal = (id: string, kind: 'contract' | 'official', deviceId: string): PhysicalSeal => ({
  id, name: kind === 'official' ? '项目部公章' : '项目部合同章', kind, form: 'physical', unitId: world.siteId, custodianId: custodian.userId,
  status: 'active', createdAt: T - 2 * HOUR, antiCounterfeitCode: '3301020012345', deviceId,
}) as unknown as PhysicalSeal;

const useRequest = (id: string, requester: Person, sealId: string): UseRequest => ({
  id, requesterId: requester.userId, unitId: world.siteId, sealId,
  document: { title: `合同 ${id}`, sha256: 'cd'.repeat(32), pages: 2 },
  copies: 2, purpose: 'sign the contract', usesRequested: 2,
  window: { notBefore: T - HOUR, notAfter: T + 24 * HOUR },
  place: { unitId: world.siteId, geofence: FENCE },
  createdAt: T - HOUR,
}) as UseRequest;

const decide = async (approver: Person, request: UseRequest, verdict: Verdict, at = T - 30 * 60_000): Promise<Decision> =>
  (await withContentId(await signedDecision(approver, request, verdict, at))) as unknown as Decision;

/** A grant body made by hand (what a forger's tablet can make), with its content address. */
async function handMade(request: UseRequest, sealOf: PhysicalSeal, decisions: Decision[], edit: (g: Omit<Grant, 'id'>) => Omit<Grant, 'id'> = (g) => g): Promise<Grant> {
  const body = grantBody(request, sealOf, decisions);
  const base: Omit<Grant, 'id'> = body.ok ? body.value : {
    requestId: request.id, sealId: sealOf.id, deviceId: sealOf.deviceId!, holderId: request.requesterId, uses: request.usesRequested,
    window: request.window, geofence: request.place.geofence!, decisions,
  };
  return withContentId(edit(base)) as Promise<Grant>;
}

/** An edit of a valid grant, with its content address recomputed (a forger recomputes it). */
const forged = ({ id: _id, ...body }: Grant, edit: (g: Omit<Grant, 'id'>) => Omit<Grant, 'id'>): Promise<Grant> => withContentId(edit(body)) as Promise<Grant>;

/** What a rogue tablet sends the device for a grant: its terms, and what its first decision approved where it differs. */
function rogueEvidence(grant: Grant): { grant: GrantEvidence; approvals: AssertionFields[] } {
  const approved = grant.decisions[0]!.payload;
  const sameWindow = approved.window.notBefore === grant.window.notBefore && approved.window.notAfter === grant.window.notAfter;
  return {
    grant: {
      id: grant.id, requestId: grant.requestId, deviceId: grant.deviceId, sealId: grant.sealId, holderId: grant.holderId, uses: grant.uses, window: grant.window,
      ...(grant.geofence === undefined ? {} : { geofence: grant.geofence }),
      documentSha256: approved.documentSha256, placeUnitId: approved.place.unitId,
      ...(approved.uses === grant.uses ? {} : { approvedUses: approved.uses }),
      ...(sameWindow ? {} : { approvedWindow: approved.window }),
      decisions: grant.decisions.map(({ at, comment, assertion: { userHandle } }) => ({ at, ...(comment === undefined ? {} : { comment }), ...(userHandle === undefined ? {} : { userHandle }) })),
    },
    approvals: grant.decisions.map((d) => d.assertion),
  };
}

interface Device { readonly client: SealDeviceClient; readonly transport: MemoryTransport }

async function post<T>(url: string, cookie: string, body: unknown): Promise<T> {
  const response = await running.server.call('POST', url, { cookie, body });
  expect(response.statusCode, response.body).toBe(200);
  return response.json<T>();
}

/** A reference device holding `sealOf`, provisioned with the server's org key, its signed binding and roster. */
async function provisioned(sealOf: PhysicalSeal, minApprovals: number, orgPublicJwk: P256PublicJwk, roster: unknown): Promise<Device> {
  const hardware = new SimulatedHardware({ position: { lat: FENCE.lat, lon: FENCE.lon, accuracyM: 10 }, batteryPercent: 90 });
  const device = await createSealDevice({ storage: new MemoryStorage(), clock: new SimulatedClock(T + HOUR, { manual: true }), hardware, keys: new MemoryKeys() });
  const transport = new MemoryTransport(device.gatt, { frameSize: 185 });
  const client = new SealDeviceClient(transport, { sleep: () => Promise.resolve() });
  const binding = await post<Signed<SealBinding>>(`/api/devices/${sealOf.deviceId}/binding`, custodian.cookie, {
    sealId: sealOf.id, sealKind: sealOf.kind, minApprovals, custodianId: custodian.userId, unitId: world.siteId,
  });
  await client.provision(sealOf.deviceId!, orgPublicJwk);
  await client.bindSeal(binding);
  await client.installRoster(roster as never);
  const revocations = await running.server.call('GET', '/api/revocations', { cookie: custodian.cookie });
  await client.installRevocations(revocations.json());
  await client.info();
  return { client, transport };
}

let msgId = 0;
/** The device's verdict: `accepted` (then locked again), or its refusal code. */
async function deviceVerdict(device: Device, grant: Grant, holder: Person): Promise<string> {
  const { nonce } = await device.client.nonce();
  const record = device.client.unlockRecord(grant);
  const evidence = rogueEvidence(grant);
  const body = { nonce, grant: evidence.grant, approvals: evidence.approvals, holder: await holder.authenticator.signRecord(record, holder.credentialId) };
  const reply = await exchange(device.transport, ++msgId & 3, 'unlock', body as never, { ...DEFAULT_TIMING, sleep: () => Promise.resolve() });
  if (!reply.ok) return reply.code;
  await device.client.lock();
  return 'accepted';
}

/** The server's verdict on the grant pushed as a fact by `by`, over HTTP: `accepted` or the refusal code. */
async function serverVerdict(grant: Grant, by: Person): Promise<string> {
  const { id: _id, ...rest } = grant;
  const row = {
    id: factRowId('grant', await contentId(rest)), type: 'fact', kind: 'grant', subject: subjectOf('request', grant.requestId),
    scopeUnitId: world.siteId, author: by.userId, createdAt: T, body: grant,
  };
  const response = await fetch(`${running.url}/api/sync/push`, {
    method: 'POST',
    headers: { cookie: by.cookie, 'content-type': 'application/json', origin: running.server.config.origins[0]!, 'sec-fetch-site': 'same-origin' },
    body: JSON.stringify({ rows: [row] }),
  });
  expect(response.status).toBe(200);
  const [result] = ((await response.json()) as { results: PushResult[] }).results;
  return result!.status === 'refused' ? result!.code : 'accepted';
}

/** The app's verdict: its issuer's judgement of a held grant, against the records it holds. */
async function appVerdict(grant: Grant, request: UseRequest, sealOf: PhysicalSeal, roster: Roster): Promise<string> {
  const entry = { request, seal: sealOf, sealStatus: 'active', view: undefined, decisions: [], grants: [grant] } as unknown as RequestEntry;
  const verdict = await judgeHeldGrant(entry, roster, grant);
  return verdict.ok ? 'accepted' : verdict.error.code;
}

interface Row {
  readonly name: string;
  readonly grant: Grant;
  /** The request and seal as recorded now (what the app and the server judge against). */
  readonly request: UseRequest;
  readonly seal: PhysicalSeal;
  readonly holder: Person;
  /** The app's and the server's code (the same shared rule, the same code). */
  readonly records: string;
  /** The device's code. */
  readonly device: string;
  /** Why the device admits what the records refuse (it cannot see them). */
  readonly beyondDevice?: string;
}

describe('one grant rule: the app, the server and the seal device agree on every grant', () => {
  it('judges a table of valid and forged grants alike in all three', async () => {
    const contractSeal = seal('seal-agree-contract', 'contract', CONTRACT_DEVICE);
    const officialSeal = seal('seal-agree-official', 'official', OFFICIAL_DEVICE);
    const r1 = useRequest('req-agree-1', staff, contractSeal.id);
    const r2 = useRequest('req-agree-2', staff, contractSeal.id);
    const r3 = useRequest('req-agree-3', staff, contractSeal.id);
    const r4 = useRequest('req-agree-4', staff, officialSeal.id);
    const r5 = useRequest('req-agree-5', selfApprover, contractSeal.id);

    // The records, made on tablets and synced to the server as the app does it.
    const custodianTablet = await replicas.open(custodian, 'custodian');
    const staffTablet = await replicas.open(staff, 'staff');
    const selfTablet = await replicas.open(selfApprover, 'self');
    for (const s of [contractSeal, officialSeal]) {
      // Each device registered before its seal is locked in it.
      await custodianTablet.store.records.create('device', await deviceRecord(s.deviceId!, world.siteId) as never);
      const { status: _s, ...record } = s;
      await custodianTablet.store.records.create('seal', record, [], [holdingSeal(s.deviceId!, s.id)]);
    }
    // The seals are on the server before anyone asks for them (a request names a recorded seal).
    await syncAll([custodianTablet]);
    for (const r of [r1, r2, r3, r4]) await staffTablet.store.records.create('request', r);
    await selfTablet.store.records.create('request', r5);
    await syncAll([custodianTablet, staffTablet, selfTablet]);

    // Decisions, signed with each approver's passkey.
    const a1 = await decide(approverA, r1, 'approve');
    const b1 = await decide(approverB, r1, 'approve');
    const rejectA1 = await decide(approverA, r1, 'reject');
    const a2 = await decide(approverA, r2, 'approve');
    const a3 = await decide(approverA, r3, 'approve');
    const a4 = await decide(approverA, r4, 'approve');
    const a4again = await decide(approverA, r4, 'approve', T - 20 * 60_000);
    const b4 = await decide(approverB, r4, 'approve');
    const outsider1 = await decide(outsider, r1, 'approve');
    const revoked1 = await decide(revoked, r1, 'approve');
    const self5 = await decide(selfApprover, r5, 'approve');

    // After signing: request 3 is edited (more uses), and one approver is deactivated.
    const r3now = { ...r3, usesRequested: 3 };
    await staffTablet.store.records.update('request', r3.id, (doc) => void ((doc as { usesRequested: number }).usesRequested = 3));
    await syncAll([staffTablet]);
    const deactivated = await running.server.call('POST', `/api/users/${revoked.userId}/deactivate`, { cookie: world.admin.cookie });
    expect(deactivated.statusCode, deactivated.body).toBe(200);

    // The roster as the app and the devices hold it: fetched, checked against the org key.
    const orgKey = (await running.server.call('GET', '/api/org-key', { cookie: staff.cookie })).json<{ publicJwk: P256PublicJwk }>();
    const signedRoster = (await running.server.call('GET', '/api/roster', { cookie: staff.cookie })).json<unknown>();
    const roster = await verifySignedRoster(signedRoster, orgKey.publicJwk);
    if (!roster.ok) throw new Error(roster.error.message);
    const devices = new Map<string, Device>([
      [contractSeal.id, await provisioned(contractSeal, 1, orgKey.publicJwk, signedRoster)],
      [officialSeal.id, await provisioned(officialSeal, 2, orgKey.publicJwk, signedRoster)],
    ]);

    // The valid grants are what the app's issuing gives.
    const issue = async (request: UseRequest, sealOf: PhysicalSeal, decisions: Decision[]): Promise<Grant> => {
      const issued = await issueGrant({ request, seal: sealOf, roster: roster.value }, decisions);
      if (!issued.ok) throw new Error(`${issued.error.code}: ${issued.error.message}`);
      return issued.value;
    };
    const valid1 = await issue(r1, contractSeal, [a1]);
    const valid1b = await issue(r1, contractSeal, [b1]);
    const valid4 = await issue(r4, officialSeal, [a4, b4]);
    const both = await issue(r1, contractSeal, [a1, b1]);
    const { id: _a1Id, ...a1Body } = a1;
    const misnamed = (await withContentId({ ...a1Body, approverId: approverB.userId })) as Decision;
    const c = { request: r1, seal: contractSeal, holder: staff };
    const o = { request: r4, seal: officialSeal, holder: staff };
    const otherFence = { ...FENCE, radiusM: 5_000 };

    const rows: Row[] = [
      { name: 'valid: contract seal, one approver', ...c, grant: valid1, records: 'accepted', device: 'accepted' },
      { name: 'valid: the same request approved by another approver', ...c, grant: valid1b, records: 'accepted', device: 'accepted' },
      { name: 'valid: 公章, two approvers', ...o, grant: valid4, records: 'accepted', device: 'accepted' },
      { name: 'holder is not the requester', ...c, holder: staff2, grant: await forged(valid1, (g) => ({ ...g, holderId: staff2.userId as never })), records: 'grant_holder_mismatch', device: 'approval_invalid' },
      { name: 'uses widened', ...c, grant: await forged(valid1, (g) => ({ ...g, uses: 9 })), records: 'grant_terms_mismatch', device: 'grant_mismatch' },
      { name: 'uses narrowed', ...c, grant: await forged(valid1, (g) => ({ ...g, uses: 1 })), records: 'grant_terms_mismatch', device: 'grant_mismatch' },
      { name: 'window widened', ...c, grant: await forged(valid1, (g) => ({ ...g, window: { notBefore: g.window.notBefore - HOUR, notAfter: g.window.notAfter + 48 * HOUR } })), records: 'grant_terms_mismatch', device: 'grant_mismatch' },
      { name: 'window narrowed (a later slice of the approved one)', ...c, grant: await forged(valid1, (g) => ({ ...g, window: { notBefore: T, notAfter: T + 2 * HOUR } })), records: 'grant_terms_mismatch', device: 'grant_mismatch' },
      { name: 'geofence widened', ...c, grant: await forged(valid1, (g) => ({ ...g, geofence: otherFence })), records: 'grant_terms_mismatch', device: 'approval_invalid' },
      { name: 'geofence dropped', ...c, grant: await forged(valid1, ({ geofence: _g, ...g }) => g), records: 'grant_terms_mismatch', device: 'approval_invalid' },
      { name: 'another device', ...c, grant: await forged(valid1, (g) => ({ ...g, deviceId: OFFICIAL_DEVICE as never })), records: 'grant_wrong_device', device: 'wrong_device' },
      { name: 'another seal', ...c, grant: await forged(valid1, (g) => ({ ...g, sealId: officialSeal.id })), records: 'grant_wrong_seal', device: 'wrong_seal' },
      { name: 'a reject decision wrapped as the approval', ...c, grant: await handMade(r1, contractSeal, [rejectA1]), records: 'grant_rejected', device: 'approval_invalid' },
      { name: 'an approval and a reject of the same request', ...c, grant: await forged(valid1, (g) => ({ ...g, decisions: [...g.decisions, rejectA1] })), records: 'grant_rejected', device: 'approval_invalid' },
      { name: 'an approval of another request', ...c, grant: await forged(valid1, (g) => ({ ...g, decisions: [a2] })), records: 'grant_terms_mismatch', device: 'approval_invalid' },
      { name: 'an approver without authority over the seal', ...c, grant: await handMade(r1, contractSeal, [outsider1]), records: 'grant_approver_not_entitled', device: 'approver_not_entitled' },
      { name: 'an approver deactivated since (passkey revoked)', ...c, grant: await handMade(r1, contractSeal, [revoked1]), records: 'grant_approver_revoked', device: 'approver_revoked' },
      { name: 'a valid approval plus one without authority', ...c, grant: await handMade(r1, contractSeal, [a1, outsider1].sort((x, y) => (x.id < y.id ? -1 : 1))), records: 'grant_approver_not_entitled', device: 'approver_not_entitled' },
      { name: 'the requester approved their own request', request: r5, seal: contractSeal, holder: selfApprover, grant: await handMade(r5, contractSeal, [self5]), records: 'grant_approver_not_entitled', device: 'approver_not_entitled' },
      { name: '公章 with one approver (two needed)', ...o, grant: await handMade(r4, officialSeal, [a4]), records: 'grant_insufficient_approvals', device: 'insufficient_approvals' },
      { name: '公章 with one approver counted twice (two of their decisions)', ...o, grant: await handMade(r4, officialSeal, [a4, a4again].sort((x, y) => (x.id < y.id ? -1 : 1))), records: 'grant_duplicate_approver', device: 'grant_mismatch' },
      { name: '公章 with one decision carried twice', ...o, grant: await forged(valid4, (g) => ({ ...g, decisions: [a4, a4] })), records: 'grant_duplicate_approver', device: 'grant_mismatch' },
      { name: 'an approval signed by A that names B as its approver', ...c, grant: await forged(valid1, (g) => ({ ...g, decisions: [misnamed] })), records: 'grant_approval_invalid', device: 'grant_mismatch' },
      { name: 'approvals over terms the request had before an edit', request: r3now, seal: contractSeal, holder: staff, grant: await handMade(r3, contractSeal, [a3]), records: 'grant_stale_terms', device: 'accepted', beyondDevice: 'the device has no request record: it holds the signed terms, not the edit' },
      { name: 'a grant id that is not its content address', ...c, grant: { ...both, id: 'f'.repeat(64) as never }, records: 'grant_id_mismatch', device: 'grant_mismatch' },
      { name: 'valid approvals in another order than issuing gives', ...c, grant: await forged(both, (g) => ({ ...g, decisions: [...g.decisions].reverse() })), records: 'grant_not_as_issued', device: 'accepted', beyondDevice: 'order carries no authority: each approval verifies on its own' },
    ];

    const observed: string[] = [];
    const expected: string[] = [];
    for (const row of rows) {
      const app = await appVerdict(row.grant, row.request, row.seal, roster.value);
      const server = await serverVerdict(row.grant, row.holder === staff2 ? staff : row.holder);
      const device = await deviceVerdict(devices.get(row.seal.id)!, row.grant, row.holder);
      observed.push(`${row.name}: app ${app}, server ${server}, device ${device}`);
      expected.push(`${row.name}: app ${row.records}, server ${row.records}, device ${row.device}`);
      // The agreement itself: refused by all three, or admitted by all three (or beyond the device).
      const refusedBy = [app !== 'accepted', server !== 'accepted', device !== 'accepted'];
      if (row.beyondDevice === undefined) expect(new Set(refusedBy).size, row.name).toBe(1);
    }
    expect(observed).toEqual(expected);
  }, 180_000);
});
