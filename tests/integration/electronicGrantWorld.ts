/**
 * An electronic seal ready to stamp with, as the countersign tests need it, on a running server:
 * a site with a custodian, a staff member and a branch approver; the custodian's seal `eseal-1`
 * made and active; the staff member's request for `source`, approved; its electronic grant pushed
 * by the staff member (accepted). And the holder's signing certificate, issued by the server.
 */
import { createHash } from 'node:crypto';
import {
  createSigningRequest, electronicGrantBody, factRowId, fromPem, generateSigningKeyPair, subjectOf, toPem, withContentId,
  type Decision, type ElectronicGrant, type UseRequest,
} from '@seal/shared';
import { expect } from 'vitest';
import { decision, sealMove, sealRecord } from './fixtures';
import { openReplica, setUpWorld, syncAll, type Person, type RunningSync, type World } from './harness';

const HOUR = 3_600_000;
export const ELECTRONIC_SEAL_ID = 'eseal-1';

export const sha256Hex = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** A call to the running server, signed in as `person` when given. */
export const callAs = (running: RunningSync, method: 'GET' | 'POST', url: string, person?: Person, body?: unknown) =>
  running.server.call(method, url, { ...(person ? { cookie: person.cookie } : {}), ...(body === undefined ? {} : { body }) });

export interface ElectronicGrantWorld {
  readonly world: World;
  readonly custodian: Person;
  readonly staff: Person;
  readonly approver: Person;
  readonly grant: ElectronicGrant;
}

/** The world above, its request `requestId` for `source` (`pages` pages, `uses` uses). */
export async function electronicGrantWorld(running: RunningSync, { requestId, source, pages, uses }: { requestId: string; source: Uint8Array; pages: number; uses: number }): Promise<ElectronicGrantWorld> {
  const world = await setUpWorld(running.server);
  const custodian = await world.person(world.siteId, ['custodian'], 'Custodian');
  const staff = await world.person(world.siteId, ['staff'], 'Staff');
  const approver = await world.person(world.branchId, ['approver'], 'Approver');
  const now = Date.now();
  const request = {
    id: requestId, requesterId: staff.userId, unitId: world.siteId, sealId: ELECTRONIC_SEAL_ID, document: { title: 'Approved doc', sha256: sha256Hex(source), pages },
    copies: 1, purpose: 'sign', usesRequested: uses, window: { notBefore: now - HOUR, notAfter: now + 24 * HOUR }, place: { unitId: world.siteId }, createdAt: now - HOUR,
  } as UseRequest;
  const [ct, st, at] = await Promise.all([openReplica(running.url, custodian, 'ct'), openReplica(running.url, staff, 'st'), openReplica(running.url, approver, 'at')]);
  let grant: ElectronicGrant;
  try {
    await ct.store.records.create('seal', sealRecord(ELECTRONIC_SEAL_ID, world.siteId, custodian.userId));
    await ct.store.facts.append('seal_status_change', sealMove(ELECTRONIC_SEAL_ID, null, 'active', custodian.userId, 'custodian', now - 2 * HOUR), world.siteId);
    await syncAll([ct]);
    await st.store.records.create('request', request);
    await syncAll([st, at]);
    const approval = (await withContentId(await decision(approver, request, 'approve', now - 30 * 60_000))) as Decision;
    await at.store.facts.append('decision', approval, world.siteId);
    await syncAll([ct, st, at]);
    const body = electronicGrantBody(request, { id: ELECTRONIC_SEAL_ID as never, form: 'electronic' }, [approval]);
    if (!body.ok) throw new Error(body.error.message);
    grant = (await withContentId(body.value)) as ElectronicGrant;
  } finally {
    await Promise.all([ct.close(), st.close(), at.close()]);
  }
  const pushed = await callAs(running, 'POST', '/api/sync/push', staff, { rows: [{
    id: factRowId('electronic_grant', grant.id), type: 'fact', kind: 'electronic_grant', subject: subjectOf('request', grant.requestId), scopeUnitId: world.siteId, author: staff.userId, createdAt: Date.now(), body: grant,
  }] });
  expect(pushed.json<{ results: { status: string }[] }>().results[0], pushed.body).toMatchObject({ status: 'accepted' });
  return { world, custodian, staff, approver, grant };
}

/** A tablet key for `person` and the signing certificate the server issues it for `sealId`. */
export async function holderSigner(running: RunningSync, person: Person, sealId: string) {
  const keys = await generateSigningKeyPair({ extractable: false });
  const csr = toPem('CERTIFICATE REQUEST', await createSigningRequest(keys, { commonName: 'tablet', organization: 'o' }));
  const issued = await callAs(running, 'POST', '/api/documents/signing-certificates', person, { sealId, csr });
  expect(issued.statusCode, issued.body).toBe(200);
  const body = issued.json<{ record: { serial: string }; certificate: string; chain: string[] }>();
  return { signer: { privateKey: keys.privateKey, certificate: fromPem('CERTIFICATE', body.certificate)[0]!, chain: body.chain.map((p) => fromPem('CERTIFICATE', p)[0]!) }, serial: body.record.serial };
}
