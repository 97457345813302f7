import {
  sealOrganisationName, verifyAssertionWithRoster, type Countersignature, type Decision, type Impression, type OrgUnit, type Roster, type User,
  type VerifiedImpression, type VerifiedRecord,
} from '@seal/shared';
import type { RequestEntry } from '../requests/requestBook';

/** Which source answered, and how fresh it is. */
export interface FindingSource {
  /** `server`: the organisation's server answered now; `device`: this tablet's own copy (offline). */
  readonly from: 'server' | 'device';
  /** When the device's copy was last synced with the server (for `device`), or when the server answered. */
  readonly at: number | null;
}

/** What a verification found: the record, as the public API shapes it (whichever source answered), and its source. */
export interface StampFinding {
  readonly record: VerifiedRecord;
  readonly source: FindingSource;
}

type VerifiedPhysical = Extract<VerifiedRecord, { kind: 'physical' }>;

/** The organisation's name: its root unit's. */
export const organisationNameOf = (units: readonly OrgUnit[]): string => units.find((u) => u.parentId === null)?.name ?? '';

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The decisions whose approver's passkey signature verifies, on this device, against the signed
 * roster it holds (over the decision's payload, by the approver it names) — none without a roster.
 */
export async function verifiedDecisionIds(decisions: readonly Decision[], roster: Roster | undefined): Promise<ReadonlySet<string>> {
  if (roster === undefined) return new Set();
  const checks = await Promise.all(decisions.map(async (d) => {
    const outcome = await verifyAssertionWithRoster({ assertion: d.assertion, expected: { record: d.payload } }, roster).catch(() => undefined);
    return outcome?.ok === true && outcome.value.userId === d.approverId ? [d.id] : [];
  }));
  return new Set(checks.flat());
}

/** What the device knows of who is who: names, units, and which approvals it verified. */
export interface Known {
  readonly users: readonly User[];
  readonly units: readonly OrgUnit[];
  /** Decision ids whose passkey signature verified here ({@link verifiedDecisionIds}). */
  readonly signed: ReadonlySet<string>;
}

/** The parts every record shares, from the request as this replica holds it. */
function commonParts(entry: RequestEntry, { users, units, signed }: Known): Pick<VerifiedPhysical, 'organisation' | 'seal' | 'request' | 'approvals'> | undefined {
  const seal = entry.seal;
  if (seal === undefined) return undefined;
  const unitName = (id: string): string => units.find((u) => u.id === id)?.name ?? '';
  const counted = new Set<string>(entry.view?.approvals.countedDecisionIds ?? []);
  return {
    organisation: { name: organisationNameOf(units) },
    seal: {
      name: seal.name, kind: seal.kind, form: seal.form, code: seal.antiCounterfeitCode ?? null,
      organisationName: sealOrganisationName(seal, unitName(seal.unitId)), status: entry.sealStatus ?? 'active',
    },
    request: {
      title: entry.request.document.title, documentSha256: entry.request.document.sha256, pages: entry.request.document.pages,
      unitName: unitName(entry.request.unitId), usesApproved: entry.view?.usesApproved ?? 0, status: entry.view?.status ?? 'pending',
    },
    approvals: entry.decisions.filter((d) => d.payload.verdict === 'approve').map((d) => {
      const user = users.find((u) => u.id === d.approverId);
      return { approverName: user?.name ?? '', role: 'approver', at: iso(d.at), verified: counted.has(d.id) && signed.has(d.id) };
    }),
  };
}

/**
 * A physical stamp found by its process sheet's code in this device's own replica: the request,
 * its seal, its approvals (verified: its passkey signature verified here against the signed roster,
 * and the approval counts by the seal's route) and the device log's stamp entries under it.
 */
export function physicalRecord(entry: RequestEntry, known: Known, photos: ReadonlyMap<string, string | null>): VerifiedPhysical | undefined {
  const common = commonParts(entry, known);
  if (common === undefined) return undefined;
  const stamps = (entry.view?.stamps ?? []).map((s) => ({
    deviceId: s.deviceId, seq: s.seq, at: iso(s.at), authorised: s.authorised, anomalies: [...s.anomalies],
    photoSha256: photos.get(`${s.deviceId}:${s.seq}`) ?? null, photoHeld: false,
  }));
  return { kind: 'physical', ...common, stamps };
}

/**
 * An electronic impression found in this device's replica (by its code or a PDF's hash). Whether
 * the organisation confirmed it is its countersignature fact; the certificate's status is the
 * server's to say (`unknown` here).
 */
export function impressionRecord(
  impression: Impression, countersignature: Countersignature | undefined, entry: RequestEntry, known: Known,
): VerifiedImpression | undefined {
  const common = commonParts(entry, known);
  if (common === undefined) return undefined;
  const holder = known.users.find((u) => u.id === impression.holderId);
  return {
    kind: 'electronic',
    ...common,
    impression: {
      verificationCode: impression.verificationCode, holderName: holder?.name ?? '', claimedAt: iso(impression.claimedAt), pages: [...impression.pages],
      sourceSha256: impression.sourceSha256, signedSha256: impression.signedSha256,
      authorised: countersignature !== undefined, problems: countersignature === undefined ? ['awaiting_countersignature'] : [],
    },
    countersignature: countersignature === undefined
      ? { status: 'awaiting', at: null, countersignedSha256: null }
      : { status: 'present', at: iso(countersignature.at), countersignedSha256: countersignature.countersignedSha256 },
    certificate: { serial: impression.certificateSerial, status: 'unknown', notBefore: null, notAfter: null, revokedAt: null },
  };
}
