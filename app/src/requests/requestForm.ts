import { useRequestSchema, type UseRequest } from '@seal/shared';
import { parseGeofence, type GeofenceProblem } from '../org/parseGeofence';

/** What the new-request form holds: the text of its fields as typed, plus what the screen knows. */
export interface RequestFormInput {
  readonly id: string;
  readonly requesterId: string;
  /** The requester's unit (where they hold `request.create`): the request's scope. */
  readonly unitId: string;
  readonly sealId: string;
  /** The document's SHA-256 (lowercase hex) once the file is read; empty before. */
  readonly sha256: string;
  readonly title: string;
  readonly pages: string;
  readonly copies: string;
  readonly purpose: string;
  readonly uses: string;
  /** `datetime-local` text (the device's time zone). */
  readonly notBefore: string;
  readonly notAfter: string;
  readonly placeUnitId: string;
  readonly fenceLat: string;
  readonly fenceLon: string;
  readonly fenceRadius: string;
  readonly createdAt: number;
}

/** The form's fields a problem can be shown beside. */
export type RequestField =
  | 'sealId' | 'unitId' | 'file' | 'title' | 'pages' | 'copies' | 'purpose' | 'uses' | 'notBefore' | 'notAfter' | 'place' | 'geofence' | 'form';

/** What is wrong with a field: `invalid` (missing or out of range), or something more specific. */
export type FieldProblem = 'invalid' | 'window_order' | 'window_past' | 'file_type' | 'file_size' | 'file_ambiguous' | 'pages_mismatch' | `geofence_${GeofenceProblem}`;

export type RequestFormResult =
  | { readonly ok: true; readonly request: UseRequest }
  | { readonly ok: false; readonly problems: Partial<Record<RequestField, FieldProblem>> };

/** A `datetime-local` value (`2025-03-04T14:05`, the device's time zone) as epoch ms; NaN when empty or malformed. */
export function parseLocalDateTime(text: string): number {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(text.trim())) return Number.NaN;
  return new Date(text.trim()).getTime();
}

/** Epoch ms as a `datetime-local` value in the device's time zone, to the minute. */
export function toLocalDateTime(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A whole number typed into a field; NaN for anything else (the schema then names the field). */
const wholeNumber = (text: string): number => (/^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN);

/** Where a schema issue is shown: the form field its path names. */
function fieldOf(path: readonly PropertyKey[]): RequestField {
  const [head, next] = path;
  switch (head) {
    case 'document':
      return next === 'sha256' ? 'file' : next === 'pages' ? 'pages' : 'title';
    case 'window':
      return next === 'notBefore' ? 'notBefore' : 'notAfter';
    case 'place':
      return next === 'geofence' ? 'geofence' : 'place';
    case 'usesRequested':
      return 'uses';
    case 'sealId':
    case 'unitId':
    case 'copies':
    case 'purpose':
      return head;
    default:
      return 'form';
  }
}

/**
 * Builds a use request from the form, checked with the shared schema (`useRequestSchema`): the
 * request, or one problem per field (the first found). Beyond the schema, a window that has
 * already ended is refused (it would expire at once).
 */
export function buildRequest(input: RequestFormInput, now: number): RequestFormResult {
  const problems: Partial<Record<RequestField, FieldProblem>> = {};
  const note = (field: RequestField, problem: FieldProblem): void => {
    problems[field] ??= problem;
  };
  const fence = parseGeofence(input.fenceLat, input.fenceLon, input.fenceRadius);
  if (!fence.ok) note('geofence', `geofence_${fence.problem}`);
  const notBefore = parseLocalDateTime(input.notBefore);
  const notAfter = parseLocalDateTime(input.notAfter);
  const candidate = {
    id: input.id,
    requesterId: input.requesterId,
    unitId: input.unitId,
    sealId: input.sealId,
    document: { title: input.title.trim(), sha256: input.sha256, pages: wholeNumber(input.pages) },
    copies: wholeNumber(input.copies),
    purpose: input.purpose.trim(),
    usesRequested: wholeNumber(input.uses),
    window: { notBefore, notAfter },
    place: { unitId: input.placeUnitId, ...(fence.ok && fence.value !== undefined ? { geofence: fence.value } : {}) },
    createdAt: input.createdAt,
  };
  const parsed = useRequestSchema.safeParse(candidate);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const windowOrder = issue.path.length === 1 && issue.path[0] === 'window';
      note(fieldOf(issue.path), windowOrder ? 'window_order' : 'invalid');
    }
  }
  if (Number.isFinite(notAfter) && notAfter <= now) note('notAfter', 'window_past');
  if (!parsed.success || Object.keys(problems).length > 0) return { ok: false, problems };
  return { ok: true, request: parsed.data };
}
