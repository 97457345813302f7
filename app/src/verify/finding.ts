import {
  sealOrganisationName, type Countersignature, type Impression, type OrgUnit, type User, type VerifiedImpression, type VerifiedRecord,
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

/** The parts every record shares, from the request as this replica holds it. */
function commonParts(entry: RequestEntry, users: readonly User[], units: readonly OrgUnit[]): Pick<VerifiedPhysical, 'organisation' | 'seal' | 'request' | 'approvals'> | undefined {
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
      return { approverName: user?.name ?? '', role: 'approver', at: iso(d.at), verified: counted.has(d.id) };
    }),
  };
}

/**
 * A physical stamp found by its process sheet's code in this device's own replica: the request,
 * its seal, its approvals (verified: those whose passkey signature counted against the signed
 * roster) and the device log's stamp entries under it.
 */
export function physicalRecord(entry: RequestEntry, users: readonly User[], units: readonly OrgUnit[], photos: ReadonlyMap<string, string | null>): VerifiedPhysical | undefined {
  const common = commonParts(entry, users, units);
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
  impression: Impression, countersignature: Countersignature | undefined, entry: RequestEntry, users: readonly User[], units: readonly OrgUnit[],
): VerifiedImpression | undefined {
  const common = commonParts(entry, users, units);
  if (common === undefined) return undefined;
  const holder = users.find((u) => u.id === impression.holderId);
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
