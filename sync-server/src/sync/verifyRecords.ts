import {
  countedApprovals, electronicGrantSchema, factRowId, grantSchema, impressionSchema, judgeImpression, parseRecord, sealLifecycleStateOf, sealOrganisationName, sealRecordSchema,
  sealStatusTimeline, useRequestSchema, verifyAssertionWithRoster,
  type Countersignature, type Decision, type FactRow, type Roster, type StampEvent, type UseRequest, type VerifiedImpression, type VerifiedPhysical,
} from '@seal/shared';
import type { CertificatesRepo } from '../couch/certificatesRepo';
import { impressionCertificateOf, loadImpressionRecords } from './impressionRecords';
import { RecordStates } from './recordStates';
import { heldCancellations } from './requestStanding';
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
  const problems = judged === undefined ? [loaded.ok ? 'unknown' : loaded.error.code] : judged.ok ? [] : [judged.error.code];
  const cert = await sources.certificates.get(i.certificateSerial);
  const c = cert === undefined ? undefined : impressionCertificateOf(cert);
  const certificateStatus = c === undefined ? 'unknown' : c.revokedAt !== null && c.revokedAt <= sources.now ? 'revoked' : c.notAfter < sources.now ? 'expired' : 'valid';
  const counter = (await sources.rows.documentRows(['countersignature', i.id]))[0]?.body as Countersignature | undefined;
  const holder = roster.users.find((u) => u.id === i.holderId);
  return {
    kind: 'electronic',
    organisation: { name: sources.organisationName },
    seal,
    request: {
      title: request.value.document.title, documentSha256: request.value.document.sha256, pages: request.value.document.pages,
      unitName: sources.unitName(request.value.unitId), usesApproved: grant.success ? grant.data.uses : 0, status: grant.success ? 'approved' : 'not_approved',
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
async function stampsOfRequest(requestId: string, claimed: readonly StampEvent[], rows: RowsRepo, sealJson: Record<string, unknown> | null): Promise<StampEvent[]> {
  const grantIds = [...new Set(claimed.flatMap((e) => (e.payload.grantId === null ? [] : [e.payload.grantId])))];
  const grants = await rows.getMany(grantIds.map((id) => factRowId('grant', id)));
  const deviceOfGrant = new Map<string, string>();
  for (const row of grants.values()) {
    const grant = grantSchema.safeParse(row.type === 'fact' && row.kind === 'grant' ? row.body : undefined);
    if (grant.success && grant.data.requestId === requestId) deviceOfGrant.set(grant.data.id, grant.data.deviceId);
  }
  const seal = sealRecordSchema.safeParse(sealJson);
  const sealDevice = seal.success && seal.data.form === 'physical' ? seal.data.deviceId : null;
  return claimed.filter((e) => (e.payload.grantId === null ? e.deviceId === sealDevice : deviceOfGrant.get(e.payload.grantId) === e.deviceId));
}

/**
 * A physical request's status as a stranger holding the document is told it: `cancelled` once
 * withdrawn; `rejected` when an approver the seal's route counts said no; approved when the
 * decisions held meet the route (the shared rule, `countedApprovals`, against the current roster),
 * or when a stamp was made under a grant the server holds for it (the server judged that grant's
 * approvals when it was pushed: a roster changed since, an approver who left, does not turn a
 * document stamped then into a pending one) — `approved`, `in_use`, `completed` or `expired` by
 * its granted stamps and its window; otherwise `pending`: one approval of the two a 公章 needs is
 * not an approval.
 */
async function physicalStatus(request: UseRequest, sealJson: Record<string, unknown> | null, decisions: readonly Decision[], stamps: readonly StampEvent[], sources: VerifySources, roster: Roster) {
  const seal = sealRecordSchema.safeParse(sealJson);
  const counted = seal.success ? countedApprovals({ request, seal: seal.data, roster }, decisions) : undefined;
  const rejected = counted !== undefined && !counted.ok && counted.error.code === 'grant_rejected';
  const approved = !rejected && (counted?.ok === true || stamps.some((e) => e.payload.grantId !== null));
  const cancelled = (await heldCancellations(request.id, sources.rows)).length > 0;
  const usesApproved = approved ? request.usesRequested : 0;
  if (cancelled || rejected || !approved) return { status: cancelled ? 'cancelled' : rejected ? 'rejected' : 'pending', usesApproved };
  // Approved: named as the request screens and the offline check name it (`deriveRequestStatus`).
  const used = stamps.filter((e) => e.payload.grantId !== null).length;
  const status = used >= request.usesRequested ? 'completed' : sources.now > request.window.notAfter ? 'expired' : used > 0 ? 'in_use' : 'approved';
  return { status, usesApproved };
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
  const decisions = held.filter((d) => d.payload.verdict === 'approve');
  const claimed = facts.filter((r) => r.kind === 'device_event').map((r) => r.body as unknown as StampEvent);
  const sealJson = (await records.get('seal', request.value.sealId)).json;
  // Stamps made under a grant the server holds for this request, by the device it names (or, with no grant, by the seal's device).
  const stamps = (await stampsOfRequest(requestId, claimed, sources.rows, sealJson)).sort((a, b) => a.at - b.at || a.seq - b.seq);
  const { status, usesApproved } = await physicalStatus(request.value, sealJson, held, stamps, sources, roster);
  return {
    kind: 'physical',
    organisation: { name: sources.organisationName },
    seal,
    request: {
      title: request.value.document.title, documentSha256: request.value.document.sha256, pages: request.value.document.pages,
      unitName: sources.unitName(request.value.unitId), usesApproved, status,
    },
    approvals: await publicApprovals(decisions, roster),
    stamps: await Promise.all(stamps.map(async (e, index) => {
      const anomalies = [...(e.payload.grantId === null ? ['stamp_without_grant'] : []), ...(index >= request.value.usesRequested ? ['stamp_beyond_approved_uses'] : [])];
      return {
        deviceId: e.deviceId, seq: e.seq, at: iso(e.at), authorised: anomalies.length === 0, anomalies,
        photoSha256: e.payload.photoSha256, photoHeld: e.payload.photoSha256 === null ? false : await photoHeld(e.payload.photoSha256, e.deviceId),
      };
    })),
  };
}
