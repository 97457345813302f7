import type { OrgUnit, SealLook, User } from '@seal/shared';
import type { RequestEntry } from '../requests/requestBook';

/** One approval of the stamped request, as the verification page lists it. */
export interface ApprovalFinding {
  readonly approver: string;
  readonly at: number;
  /** The approver's passkey signature over the request's terms verified, and the approval counted. */
  readonly verified: boolean;
}

/** A physical stamp's device log entry, as the verification page lists it. */
export interface DeviceEntryFinding {
  readonly deviceId: string;
  readonly seq: number;
  readonly at: number;
  /** The use number under the request (1-based). */
  readonly ordinal: number;
  readonly authorised: boolean;
  readonly photoSha256: string | null;
  /** An image URL of the photo, when its bytes are at hand. */
  readonly photoUrl?: string;
}

/** Which source answered, and how fresh it is. */
export interface FindingSource {
  /** `server`: the organisation's server answered now; `device`: this tablet's own copy (offline). */
  readonly from: 'server' | 'device';
  /** When the device's copy was last synced with the server (for `device`), or when the server answered. */
  readonly at: number | null;
}

/** What a verification found: one stamped document (electronic) or one request's paper stamps (physical). */
export interface StampFinding {
  readonly kind: 'electronic' | 'physical';
  /** The code it was found by (a verification code, or a process sheet's `SEALCTL:REQ:…`). */
  readonly code: string;
  readonly organisation: string;
  readonly title: string;
  readonly seal: { readonly look: SealLook; readonly unitName: string } | undefined;
  readonly approvals: readonly ApprovalFinding[];
  /** When it was stamped (the first stamp, for paper). */
  readonly stampedAt: number | null;
  /** Electronic: the organisation countersigned it (else "signed offline, awaiting confirmation"). */
  readonly countersigned: boolean;
  /** Electronic: the SHA-256 of every recorded version of the stamped PDF (signed, countersigned). */
  readonly pdfSha256s: readonly string[];
  /** Physical: the device log's stamp entries under the request. */
  readonly deviceEntries: readonly DeviceEntryFinding[];
  readonly source: FindingSource;
}

/** The organisation's name: its root unit's. */
export const organisationNameOf = (units: readonly OrgUnit[]): string => units.find((u) => u.parentId === null)?.name ?? '';

/**
 * A physical stamp found by its process sheet's code in this device's own replica: the request,
 * its seal, its approvals (counted ones are those whose passkey signature verified against the
 * signed roster) and the device log's stamp entries under it.
 */
export function physicalFinding(entry: RequestEntry, users: readonly User[], units: readonly OrgUnit[], code: string, source: FindingSource): StampFinding {
  const nameOf = (id: string): string => users.find((u) => u.id === id)?.name ?? id;
  const counted = new Set<string>(entry.view?.approvals.countedDecisionIds ?? []);
  const stamps = entry.view?.stamps ?? [];
  const sealUnit = units.find((u) => u.id === entry.seal?.unitId);
  return {
    kind: 'physical',
    code,
    organisation: organisationNameOf(units),
    title: entry.request.document.title,
    seal: entry.seal === undefined ? undefined : { look: entry.seal, unitName: sealUnit?.name ?? '' },
    approvals: entry.decisions.filter((d) => d.payload.verdict === 'approve').map((d) => ({ approver: nameOf(d.approverId), at: d.at, verified: counted.has(d.id) })),
    stampedAt: stamps.length === 0 ? null : Math.min(...stamps.map((s) => s.at)),
    countersigned: false,
    pdfSha256s: [],
    deviceEntries: stamps.map((s) => ({ deviceId: s.deviceId, seq: s.seq, at: s.at, ordinal: s.ordinal, authorised: s.authorised, photoSha256: null })),
    source,
  };
}
