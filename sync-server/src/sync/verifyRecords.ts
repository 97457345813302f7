import {
  approvalRouteFor, deriveRequestStatus, electronicGrantSchema, factRowId, rosterView, grantSchema, impressionSchema, judgeImpression, parseRecord, sealLifecycleStateOf, sealOrganisationName, sealRecordSchema,
  sealStatusTimeline, useRequestSchema, verifyAssertionWithRoster,
  type Cancellation, type Countersignature, type Decision, type FactRow, type Grant, type RequestView, type Roster, type Seal, type SealStatusChange, type StampEvent, type UseRequest, type VerifiedImpression, type VerifiedPhysical,
} from '@seal/shared';
import type { CertificatesRepo } from '../couch/certificatesRepo';
import { impressionCertificateOf, loadImpressionRecords } from './impressionRecords';
import { RecordStates } from './recordStates';
import { rosterWithDeparted } from './departedParticipants';
import { heldCancellations, impressionWithdrawal } from './requestStanding';
import type { RowsRepo } from './rowsRepo';

/** What building a public record needs. */
export interface VerifySources {
  readonly rows: RowsRepo;
  readonly certificates: CertificatesRepo;
  roster(): Promise<Roster>;
  /** The organisation's name, and a unit's name by id. */
  readonly organisationName: string;
  unitName(unitId: string): string;
  readonly now: number;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** The approvals as a stranger may see them: names and roles from the roster, times, and whether each passkey assertion verifies. */
export async function publicApprovals(decisions: readonly Decision[], roster: Roster) {
  return Promise.all(decisions.map(async (d) => {
    const user = roster.users.find((u) => u.id === d.approverId);
    const verified = await verifyAssertionWithRoster({ assertion: d.assertion, expected: { record: d.payload } }, roster);
    const role = user?.roles.find((r) => r.role === 'approver')?.role ?? user?.roles[0]?.role ?? 'unknown';
    return { approverName: user?.displayName ?? '(no longer in the roster)', role, at: iso(d.at), verified: verified.ok && verified.value.userId === d.approverId };
  }));
}

/** The seal as the verifier draws it, and its status now. */
export async function publicSeal(records: RecordStates, sealId: string, sources: VerifySources) {
  const seal = parseRecord(sealRecordSchema, (await records.get('seal', sealId)).json, `seal "${sealId}"`);
  if (!seal.ok) return undefined;
  const status = sealLifecycleStateOf(sealStatusTimeline((await records.lifecycleOf(sealId)))).status ?? 'unknown';
  const s = seal.value;
  return { name: s.name, kind: s.kind, form: s.form, code: s.antiCounterfeitCode ?? null, organisationName: sealOrganisationName(s, sources.unitName(s.unitId)), status };
}

/**
 * What judging a held grant's approvals against today's roster finds when approvers changed since
 * (a passkey revoked, someone who left or lost the role): the server judged the grant's approvals
 * against the roster of the time when it took the grant, so an impression under it is not shown
 * unauthorised for these.
 */
const ROSTER_DRIFT = new Set<string>(['grant_approver_revoked', 'grant_approver_unknown', 'grant_approver_not_entitled', 'grant_approval_invalid', 'grant_insufficient_approvals']);

/**
 * The public record of one impression (`/verify`): what the stamped page claims, made checkable —
 * and nothing more (no person ids, no geofence, no purpose; ADR 008 "What a stranger may see").
 */
export async function impressionRecord(row: FactRow, sources: VerifySources): Promise<VerifiedImpression | undefined> {
  const impression = impressionSchema.safeParse(row.body);
  if (!impression.success) return undefined;
  const i = impression.data;
  const records = new RecordStates(sources.rows);
  const request = parseRecord(useRequestSchema, (await records.get('request', i.requestId)).json, `request "${i.requestId}"`);
  const seal = await publicSeal(records, i.sealId, sources);
  if (!request.ok || !seal) return undefined;
  const roster = await sources.roster();
  const grantRow = (await sources.rows.getMany([factRowId('electronic_grant', i.grantId)])).get(factRowId('electronic_grant', i.grantId));
  const grant = electronicGrantSchema.safeParse(grantRow?.type === 'fact' ? grantRow.body : undefined);
  const loaded = await loadImpressionRecords(i, { rows: sources.rows, records, certificates: sources.certificates, roster: () => Promise.resolve(roster) });
  const judged = loaded.ok ? await judgeImpression(i, loaded.value) : undefined;
  const counter = (await sources.rows.documentRows(['countersignature', i.id]))[0]?.body as Countersignature | undefined;
  // A countersigned impression took its use when the organisation countersigned it (one at a
  // time per request, never past the uses): one claimed earlier but never countersigned does not
  // push it beyond them — that one is the use too many (`uses_countersigned` below).
  const ruled = judged === undefined ? [loaded.ok ? 'unknown' : loaded.error.code] : judged.ok || (counter !== undefined && judged.error.code === 'impression_beyond_uses') || ROSTER_DRIFT.has(judged.error.code) ? [] : [judged.error.code];
  // What the server holds beyond the impression rule: a veto, a cancellation before it, its uses taken.
  const withdrawal = loaded.ok ? await impressionWithdrawal(i, loaded.value, sources.rows) : undefined;
  const problems = [...ruled, ...(withdrawal === undefined ? [] : [withdrawal.code])];
  const status = withdrawal?.code === 'request_rejected' ? 'rejected' : (await heldCancellations(i.requestId, sources.rows)).length > 0 ? 'cancelled' : grant.success ? 'approved' : 'not_approved';
  const cert = await sources.certificates.get(i.certificateSerial);
  const c = cert === undefined ? undefined : impressionCertificateOf(cert);
  const certificateStatus = c === undefined ? 'unknown' : c.revokedAt !== null && c.revokedAt <= sources.now ? 'revoked' : c.notAfter < sources.now ? 'expired' : 'valid';
  const holder = roster.users.find((u) => u.id === i.holderId);
  return {
    kind: 'electronic',
    organisation: { name: sources.organisationName },
    seal,
    request: {
      title: request.value.document.title, documentSha256: request.value.document.sha256, pages: request.value.document.pages,
      unitName: sources.unitName(request.value.unitId), usesApproved: grant.success && status !== 'rejected' ? grant.data.uses : 0, status,
    },
    approvals: grant.success ? await publicApprovals(grant.data.decisions, roster) : [],
    impression: {
      verificationCode: i.verificationCode, holderName: holder?.displayName ?? '(no longer in the roster)', claimedAt: iso(i.claimedAt), pages: i.pages,
      sourceSha256: i.sourceSha256, signedSha256: i.signedSha256, authorised: problems.length === 0, problems,
    },
    countersignature: counter ? { status: 'present', at: iso(counter.at), countersignedSha256: counter.countersignedSha256 } : { status: 'awaiting', at: null, countersignedSha256: null },
    certificate: {
      serial: i.certificateSerial, status: certificateStatus,
      notBefore: c ? iso(c.notBefore) : null, notAfter: c ? iso(c.notAfter) : null, revokedAt: c !== undefined && c.revokedAt !== null ? iso(c.revokedAt) : null,
    },
  };
}


/**
 * The stamps logged under a request that are the request's: made under one of its grants by the
 * device that grant names, or (no grant: an anomaly shown as such) by the device its seal's record
 * names. A stamp entry's request is only what the device that logged it says, and anyone who may
 * register a device in some unit chooses its key: a device of theirs logging stamps that name
 * another unit's request must neither show as that request's stamps nor count against its uses.
 */
async function stampsOfRequest(requestId: string, claimed: readonly StampEvent[], rows: RowsRepo, sealDevice: string | null): Promise<{ stamps: StampEvent[]; grants: Grant[] }> {
  const grantIds = [...new Set(claimed.flatMap((e) => (e.payload.grantId === null ? [] : [e.payload.grantId])))];
  const held = await rows.getMany(grantIds.map((id) => factRowId('grant', id)));
  const grants = new Map<string, Grant>();
  for (const row of held.values()) {
    const grant = grantSchema.safeParse(row.type === 'fact' && row.kind === 'grant' ? row.body : undefined);
    if (grant.success && grant.data.requestId === requestId) grants.set(grant.data.id, grant.data);
  }
  const stamps = claimed.filter((e) => (e.payload.grantId === null ? e.deviceId === sealDevice : grants.get(e.payload.grantId)?.deviceId === e.deviceId));
  return { stamps, grants: [...grants.values()] };
}

/**
 * A physical request as a stranger holding the document is told it: its status and each stamp's
 * anomalies by the shared rule (`deriveRequestStatus`, as the request screens and the tablet's
 * offline check derive them), over what the server holds — the decisions, cancellations, the
 * grants its stamps name, those stamps, the seal's lifecycle — with the seal kind's route and the
 * current roster. One approval of the two a 公章 needs is `pending`, and its stamps unauthorised.
 *
 * Someone who took part and has left since is not in the current roster; the server judged their
 * decision or withdrawal when it took it, so they count as they did (`rosterWithDeparted`): a
 * document stamped under an approval of theirs does not turn into a pending one, and a veto or a
 * withdrawal of theirs stands.
 */
function derivedRecord(input: {
  request: UseRequest; seal: Seal; decisions: readonly Decision[]; cancellations: readonly Cancellation[]; grants: readonly Grant[];
  stamps: readonly StampEvent[]; sealChanges: readonly SealStatusChange[]; roster: Roster; now: number;
}): RequestView {
  // Who took part and left since counts as the server judged them when it took their facts.
  const participants = [...input.decisions, ...input.grants.flatMap((g) => g.decisions)];
  const view = rosterView(rosterWithDeparted(input.roster, { decisions: participants, cancellations: input.cancellations, sealUnitId: input.seal.unitId, requestUnitId: input.request.unitId }));
  return deriveRequestStatus({
    request: input.request, seal: input.seal, route: approvalRouteFor(input.seal.kind), users: view.users, units: view.units,
    decisions: input.decisions, cancellations: input.cancellations, grants: input.grants, deviceEvents: input.stamps, sealChanges: input.sealChanges,
  }, input.now);
}

/** The public record of a physical request, found by its process sheet's code: approvals, and each stamp with its device log entry and photo. */
export async function physicalRecord(requestId: string, sources: VerifySources, photoHeld: (sha256: string, deviceId: string) => Promise<boolean>): Promise<VerifiedPhysical | undefined> {
  const records = new RecordStates(sources.rows);
  const request = parseRecord(useRequestSchema, (await records.get('request', requestId)).json, `request "${requestId}"`);
  if (!request.ok) return undefined;
  const seal = await publicSeal(records, request.value.sealId, sources);
  if (!seal) return undefined;
  const roster = await sources.roster();
  const facts = await sources.rows.documentRows(['request', requestId]);
  const held = facts.filter((r) => r.kind === 'decision').map((r) => r.body as unknown as Decision).filter((d) => d.payload.requestId === requestId);
  const claimed = facts.filter((r) => r.kind === 'device_event').map((r) => r.body as unknown as StampEvent);
  const sealRecord = parseRecord(sealRecordSchema, (await records.get('seal', request.value.sealId)).json, `seal "${request.value.sealId}"`);
  if (!sealRecord.ok) return undefined;
  // Stamps made under a grant the server holds for this request, by the device it names (or, with no grant, by the seal's device).
  const { stamps, grants } = await stampsOfRequest(requestId, claimed, sources.rows, sealRecord.value.form === 'physical' ? sealRecord.value.deviceId : null);
  const sealChanges = await records.lifecycleOf(request.value.sealId);
  const view = derivedRecord({
    request: request.value, seal: { ...sealRecord.value, status: sealLifecycleStateOf(sealStatusTimeline(sealChanges)).status ?? 'active' },
    decisions: held, cancellations: await heldCancellations(requestId, sources.rows), grants, stamps, sealChanges, roster, now: sources.now,
  });
  const judged = new Map(view.stamps.map((v) => [`${v.deviceId}:${v.seq}`, v]));
  const ordered = [...stamps].sort((a, b) => a.at - b.at || a.seq - b.seq);
  return {
    kind: 'physical',
    organisation: { name: sources.organisationName },
    seal,
    request: {
      title: request.value.document.title, documentSha256: request.value.document.sha256, pages: request.value.document.pages,
      unitName: sources.unitName(request.value.unitId), usesApproved: view.usesApproved, status: view.status,
    },
    approvals: await publicApprovals(held.filter((d) => d.payload.verdict === 'approve'), roster),
    stamps: await Promise.all(ordered.map(async (e) => {
      const anomalies = judged.get(`${e.deviceId}:${e.seq}`)?.anomalies ?? ['stamp_without_approval'];
      return {
        deviceId: e.deviceId, seq: e.seq, at: iso(e.at), authorised: anomalies.length === 0, anomalies: [...anomalies],
        photoSha256: e.payload.photoSha256, photoHeld: e.payload.photoSha256 === null ? false : await photoHeld(e.payload.photoSha256, e.deviceId),
      };
    })),
  };
}
