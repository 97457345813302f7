import type { DocumentScope } from 'nano';
import type { SealBinding, Signed, SignedRoster, TimeRecord } from '@seal/shared';
import { createDoc, getDoc, listDocs } from './docs';

/**
 * What the organisation key signed and handed out, kept so that evidence can show it later
 * (a signed roster is otherwise built on demand and a binding or time record never stored).
 * Documents in `meta`, written once each (the store's MAC covers them):
 * - `roster-archive:<version>`: the signed roster of each version, as first issued;
 * - `binding-archive:<deviceId>:<version>`: each seal binding signed for a device;
 * - `time-archive:<deviceId>:<at>`: each time record signed for a device.
 */
type ArchiveDoc =
  | { readonly type: 'roster-archive'; readonly version: number; readonly signed: SignedRoster }
  | { readonly type: 'binding-archive'; readonly signed: Signed<SealBinding> }
  | { readonly type: 'time-archive'; readonly signed: Signed<TimeRecord> };

export interface EvidenceArchive {
  /** The signed roster archived for `version`, if any. */
  roster(version: number): Promise<SignedRoster | undefined>;
  /** Archives the signed roster of its version unless one is; returns the one archived (first writer wins). */
  keepRoster(signed: SignedRoster): Promise<SignedRoster>;
  /** Every archived signed roster, oldest version first. */
  rosters(): Promise<SignedRoster[]>;
  keepBinding(signed: Signed<SealBinding>): Promise<void>;
  /** The bindings signed for a device, oldest version first. */
  bindingsOf(deviceId: string): Promise<Signed<SealBinding>[]>;
  keepTimeRecord(signed: Signed<TimeRecord>): Promise<void>;
  /** The time records signed for a device, oldest first. */
  timeRecordsOf(deviceId: string): Promise<Signed<TimeRecord>[]>;
}

// Fixed-width numbers so that the id order is the numeric order.
const pad = (n: number): string => String(n).padStart(16, '0');

export function evidenceArchive(db: DocumentScope<ArchiveDoc>): EvidenceArchive {
  const roster = async (version: number) => {
    const doc = await getDoc(db, `roster-archive:${pad(version)}`);
    return doc?.type === 'roster-archive' ? doc.signed : undefined;
  };
  return {
    roster,
    async keepRoster(signed) {
      const { version } = signed.roster;
      if (await createDoc(db, `roster-archive:${pad(version)}`, { type: 'roster-archive', version, signed })) return signed;
      const held = await roster(version);
      if (held === undefined) throw new Error(`roster version ${version} could not be archived`);
      return held;
    },
    async rosters() {
      return (await listDocs(db, 'roster-archive:')).flatMap((d) => (d.type === 'roster-archive' ? [d.signed] : []));
    },
    async keepBinding(signed) {
      await createDoc(db, `binding-archive:${signed.record.deviceId}:${pad(signed.record.version)}`, { type: 'binding-archive', signed });
    },
    async bindingsOf(deviceId) {
      return (await listDocs(db, `binding-archive:${deviceId}:`)).flatMap((d) => (d.type === 'binding-archive' ? [d.signed] : []));
    },
    async keepTimeRecord(signed) {
      await createDoc(db, `time-archive:${signed.record.deviceId}:${pad(signed.record.at)}`, { type: 'time-archive', signed });
    },
    async timeRecordsOf(deviceId) {
      return (await listDocs(db, `time-archive:${deviceId}:`)).flatMap((d) => (d.type === 'time-archive' ? [d.signed] : []));
    },
  };
}
