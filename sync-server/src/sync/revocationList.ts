import {
  canonicalJson,
  MAX_MILLIS,
  REVOCATION_LIST_REFRESH_MS,
  sealLifecycleStateOf,
  sealStatusTimeline,
  signRevocationList,
  type Cancellation,
  type Decision,
  type RevocationList,
  type SealStatusChange,
  type SignedRevocationList,
} from '@seal/shared';
import type { Repositories } from '../couch/repositories';
import type { OrgKey } from '../auth/orgKey';
import { mergeChangeRows } from './recordStates';
import type { RowsRepo } from './rowsRepo';

type Content = Pick<RevocationList, 'seals' | 'requests' | 'users'>;

const byKey = <T>(key: (t: T) => string) => (a: T, b: T): number => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0);

/** The latest end of any window a request was approved or edited under (its record now, and every decision held). */
async function latestWindowEnd(rows: RowsRepo, requestId: string): Promise<number | undefined> {
  const [record, documents] = await Promise.all([rows.changesOf('request', requestId).then(mergeChangeRows), rows.documentRows(['request', requestId])]);
  const ends: number[] = [];
  const notAfter: unknown = (record.json?.window as { notAfter?: unknown } | undefined)?.notAfter;
  if (typeof notAfter === 'number') ends.push(notAfter);
  for (const row of documents) {
    const payload = (row.body as { payload?: { requestId?: unknown; window?: { notAfter?: unknown } } }).payload;
    if (row.kind === 'decision' && payload?.requestId === requestId && typeof payload.window?.notAfter === 'number') ends.push(payload.window.notAfter);
  }
  return ends.length === 0 ? undefined : Math.max(...ends);
}

/**
 * What the organisation has stopped, from the store: every seal whose lifecycle ends anywhere but
 * `active` (its last applied change, whatever its clock says: a stop takes effect at once);
 * every cancelled or rejected request, until the latest end of any window it was approved under (after that
 * the device refuses its grants by their window anyway); every deactivated person.
 */
export async function revocationContent(rows: RowsRepo, repos: Pick<Repositories, 'users'>, now: number): Promise<Content> {
  const [changeRows, cancellationRows, decisionRows, users] = await Promise.all([
    rows.factsOfKind('seal_status_change'), rows.factsOfKind('cancellation'), rows.factsOfKind('decision'), repos.users.list(),
  ]);
  const bySeal = new Map<string, SealStatusChange[]>();
  for (const row of changeRows) {
    const change = row.body as unknown as SealStatusChange;
    bySeal.set(change.sealId, [...(bySeal.get(change.sealId) ?? []), change]);
  }
  const seals: RevocationList['seals'] = [];
  for (const [sealId, changes] of bySeal) {
    const state = sealLifecycleStateOf(sealStatusTimeline(changes));
    if (state.status !== null && state.status !== 'active') seals.push({ sealId: sealId as never, status: state.status, since: state.since ?? 0 });
  }
  const firstCancel = new Map<string, number>();
  for (const row of cancellationRows) {
    const c = row.body as unknown as Cancellation;
    firstCancel.set(c.requestId, Math.min(c.at, firstCancel.get(c.requestId) ?? Infinity));
  }
  // A rejection stops a request as a cancellation does, whenever it came: a device holding the
  // grant issued before it (approved, then vetoed) must refuse the uses left. The server accepted
  // the decision from an approver who may decide the request; a veto counts whatever terms it
  // signed (`checkApprovals`).
  for (const row of decisionRows) {
    const d = row.body as unknown as Decision;
    if (d.payload.verdict === 'reject') firstCancel.set(d.payload.requestId, Math.min(d.at, firstCancel.get(d.payload.requestId) ?? Infinity));
  }
  const requests: RevocationList['requests'] = [];
  for (const [requestId, since] of firstCancel) {
    // A request the server holds no window for is kept for good: nothing says when it ends.
    const notAfter = (await latestWindowEnd(rows, requestId)) ?? MAX_MILLIS;
    if (notAfter >= now) requests.push({ requestId: requestId as never, since, notAfter });
  }
  return {
    seals: seals.sort(byKey((s) => s.sealId)),
    requests: requests.sort(byKey((r) => r.requestId)),
    users: users.filter((u) => !u.active).map((u) => ({ userId: u.id as never, since: u.deactivatedAt ?? 0 })).sort(byKey((u) => u.userId)),
  };
}

const sameContent = (a: Content, b: Content): boolean => canonicalJson([a.seals, a.requests, a.users]) === canonicalJson([b.seals, b.requests, b.users]);

/**
 * The revocation list in force: the newest one issued, while it says what the store says and is
 * younger than `REVOCATION_LIST_REFRESH_MS`; otherwise the next version, signed with the org key
 * and archived (the first server instance to archive a version wins, and every instance then
 * serves that one). The content is read before the version is chosen, so a list is never older
 * than its number says.
 */
export async function currentRevocationList(rows: RowsRepo, repos: Pick<Repositories, 'users' | 'revocations'>, orgKey: OrgKey, now: number): Promise<SignedRevocationList> {
  const content = await revocationContent(rows, repos, now);
  const latest = await repos.revocations.latest();
  const held = latest?.list;
  if (held !== undefined && held.orgKeyId === orgKey.keyId && sameContent(held, content) && now - held.issuedAt < REVOCATION_LIST_REFRESH_MS && held.issuedAt <= now) return latest!;
  const version = (held?.version ?? 0) + 1;
  const signed = await signRevocationList(orgKey.privateKey, { orgKeyId: orgKey.keyId, version, issuedAt: now, ...content });
  return repos.revocations.keep(signed);
}
