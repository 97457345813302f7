import { evidenceBundleSchema, verifyBundle, type EvidenceBundle, type EvidenceReport, type P256PublicJwk } from '@seal/shared';

/** What checking a file came to: its report, and the bundle when the file is one (to show its pieces). */
export interface FileVerification {
  readonly fileName: string;
  readonly report: EvidenceReport;
  readonly bundle: EvidenceBundle | undefined;
}

/** Largest file read: a request's bundle with many photos stays well under it. */
export const MAX_BUNDLE_FILE_BYTES = 512 * 1024 * 1024;

/**
 * Verifies a bundle file in this browser with the same `verifyBundle` the server and the CLI run,
 * against the organisation key this device holds (not the one the file names): no network needed.
 * A file that is not JSON is reported as a failed `bundle.format` check, like any malformed bundle.
 */
export async function verifyBundleFile(file: { name: string; size: number; text(): Promise<string> }, orgKey: P256PublicJwk): Promise<FileVerification> {
  if (file.size > MAX_BUNDLE_FILE_BYTES) {
    return { fileName: file.name, bundle: undefined, report: { valid: false, kind: null, checks: [{ check: 'bundle.format', subject: 'bundle', ok: false, detail: `the file is ${file.size} bytes, more than a bundle can be` }] } };
  }
  let json: unknown;
  try {
    json = JSON.parse(await file.text());
  } catch (error) {
    const detail = `the file is not JSON: ${error instanceof Error ? error.message : String(error)}`;
    return { fileName: file.name, bundle: undefined, report: { valid: false, kind: null, checks: [{ check: 'bundle.format', subject: 'bundle', ok: false, detail }] } };
  }
  const report = await verifyBundle(json, orgKey);
  const parsed = evidenceBundleSchema.safeParse(json);
  return { fileName: file.name, report, bundle: parsed.success ? parsed.data : undefined };
}
