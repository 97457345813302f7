import { createSignal, type Accessor } from 'solid-js';
import { impressionIdOfSealField, signaturesBearOut, verificationCodeOf, type VerifiedRecord } from '@seal/shared';
import { useDirectory } from '../../org/DirectoryProvider';
import { useRequests } from '../../requests/RequestsProvider';
import { useSync } from '../../sync/SyncProvider';
import { loadTrustedRoots, type TrustedRoots } from '../../verify/caCache';
import { localLookups } from '../../verify/localFinder';
import { lookUpInput, lookUpPdfHash, type LookupOutcome, type StampLookups } from '../../verify/lookup';
import { onlineLookups } from '../../verify/onlineLookups';
import { checkPdfFile, type PdfFinding } from '../../verify/pdfCheck';
import { readVerifyInput, type VerifyInput } from '../../verify/verifyInput';

/** What the page shows after a check. */
export type VerifyState =
  | { readonly type: 'idle' }
  | { readonly type: 'busy' }
  | { readonly type: 'invalid'; readonly reason: Extract<VerifyInput, { kind: 'invalid' }>['reason'] }
  | { readonly type: 'code'; readonly code: string; readonly outcome: LookupOutcome }
  /** `unsigned`: the file's hash is on record, but the file carries no intact seal signature for that record (a holder's word alone). */
  | { readonly type: 'pdf'; readonly pdf: PdfFinding; readonly bytes: Uint8Array; readonly roots: TrustedRoots; readonly outcome: LookupOutcome; readonly unsigned?: boolean }
  | { readonly type: 'failed'; readonly message: string };

export interface Verifier {
  readonly state: Accessor<VerifyState>;
  /** Checks a typed code or a QR's text. */
  checkText(text: string): Promise<void>;
  /** Checks a chosen or dropped PDF: its hash against the records, its signatures in this browser. */
  checkFile(file: File): Promise<void>;
}

/**
 * The verification page's logic: the organisation's server first, this device's replica when the
 * server cannot be reached (a signed-in tablet offline; nothing when no one has signed in here).
 */
export function createVerifier(): Verifier {
  const sync = useSync();
  const requests = useRequests();
  const directory = useDirectory();
  const [state, setState] = createSignal<VerifyState>({ type: 'idle' });

  const lookups = (): StampLookups => {
    const store = sync.store();
    return {
      online: onlineLookups(),
      local: store === undefined ? undefined : localLookups({
        entries: requests.entries,
        users: directory.users,
        units: directory.units,
        roster: () => directory.directory()?.roster,
        stamps: () => requests.book().stamps,
        impressions: () => store.query.facts('impression'),
        countersignatures: () => store.query.facts('countersignature'),
        lastSyncAt: () => sync.status()?.lastSyncAt ?? null,
      }),
    };
  };

  const guarded = async (run: () => Promise<void>): Promise<void> => {
    setState({ type: 'busy' });
    try {
      await run();
    } catch (error) {
      setState({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
    }
  };

  return {
    state,
    async checkText(text) {
      const input = readVerifyInput(text);
      if (input.kind === 'invalid') {
        setState({ type: 'invalid', reason: input.reason });
        return;
      }
      await guarded(async () => {
        setState({ type: 'code', code: input.code, outcome: await lookUpInput(input, lookups()) });
      });
    },
    checkFile(file) {
      return guarded(async () => {
        const bytes = new Uint8Array(await file.arrayBuffer());
        // The CA certificate: fetched now when the server answers (and kept), else the one kept here.
        const roots = await loadTrustedRoots();
        const pdf = await checkPdfFile({ name: file.name, size: bytes.length, arrayBuffer: () => Promise.resolve(bytes.slice().buffer) }, roots.roots);
        const outcome = await lookUpPdfHash(pdf.sha256, lookups());
        // A record found by the file's hash counts only when the file's own seal signature bears it
        // out. With no CA certificate at hand (never fetched here, offline) no signature can be
        // judged: the record shows, and the signature list says the chain was not checked.
        // The very bytes the organisation's countersignature record names need no second judging:
        // the server made them (countersignatures from before the countersigning certificates
        // carried their purpose included).
        if (outcome.type === 'found' && outcome.finding.record.kind === 'electronic' && roots.roots.length > 0 &&
          outcome.finding.record.countersignature.countersignedSha256 !== pdf.sha256 && !(await signedAsRecorded(pdf, outcome.finding.record))) {
          setState({ type: 'pdf', pdf, bytes, roots, outcome: { type: 'not_found' }, unsigned: true });
          return;
        }
        setState({ type: 'pdf', pdf, bytes, roots, outcome });
      });
    },
  };
}

/**
 * Whether the file's own signatures bear out the impression on record (`signaturesBearOut`, the
 * rule `/api/verify/pdf` applies to a file it is sent): the record names its impression by
 * verification code, so the impression a seal signature's field names is found by its code.
 */
async function signedAsRecorded(pdf: PdfFinding, record: Extract<VerifiedRecord, { kind: 'electronic' }>): Promise<boolean> {
  const signatures = pdf.signatures ?? [];
  for (const signature of signatures) {
    const impressionId = impressionIdOfSealField(signature.field);
    if (impressionId === undefined || (await verificationCodeOf(impressionId)) !== record.impression.verificationCode) continue;
    if (signaturesBearOut(signatures, { id: impressionId, certificateSerial: record.certificate.serial })) return true;
  }
  return false;
}
