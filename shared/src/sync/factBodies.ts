import { z } from 'zod';
import { alarmResolutionSchema, alarmSchema } from '../domain/alarm';
import { cancellationId, cancellationSchema } from '../domain/cancellation';
import { decisionSchema } from '../domain/decision';
import { deviceEventId, deviceEventSchema } from '../domain/deviceEvent';
import { grantSchema } from '../domain/grant';
import { electronicGrantSchema } from '../domain/electronicGrant';
import { countersignatureSchema, impressionSchema } from '../domain/impression';
import { millisSchema, sha256HexSchema } from '../domain/primitives';
import { canonicalBytes, webCryptoSha256Hex, type Sha256HexFunction } from '../encoding/canonical';
import { sealStatusChangeId, sealStatusChangeSchema } from '../domain/sealStatusChange';
import type { FactKind } from './kinds';
import { refuse, type Refusal, type Result } from '../result';
import { parseRecord } from '../validation/parseRecord';
import { plainJsonProblem } from '../validation/plainJsonProblem';
import { subjectOf, subjectSchema } from './subject';

/**
 * Attachments the app takes: photos of stamped pages, and PDFs. `image/x-portable-graymap` is the
 * reference seal device's camera format (kept byte for byte: its SHA-256 is in the device's log).
 */
export const attachmentMimeSchema = z.enum(['image/jpeg', 'image/png', 'image/webp', 'image/x-portable-graymap', 'application/pdf']);
/** The largest attachment (bytes). */
export const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

/**
 * What is known of an attachment (a photo, a PDF) before its bytes arrive: an append-only fact,
 * content-addressed over this metadata (`id` = `contentId` of the rest). `sha256` names the bytes,
 * which travel separately through the attachment queue, after this fact.
 */
export const attachmentMetaSchema = z.strictObject({
  id: sha256HexSchema,
  sha256: sha256HexSchema,
  /** The record it belongs to, e.g. `request:R1`. */
  about: subjectSchema,
  mime: attachmentMimeSchema,
  size: z.int().positive().max(MAX_ATTACHMENT_BYTES),
  name: z.string().min(1).max(200).optional(),
  at: millisSchema,
});
export type AttachmentMeta = z.infer<typeof attachmentMetaSchema>;

/** The schema each kind of fact's body must satisfy. */
export const factBodySchemas = {
  decision: decisionSchema,
  cancellation: cancellationSchema,
  grant: grantSchema,
  seal_status_change: sealStatusChangeSchema,
  device_event: deviceEventSchema,
  attachment: attachmentMetaSchema,
  alarm: alarmSchema,
  alarm_resolution: alarmResolutionSchema,
  electronic_grant: electronicGrantSchema,
  impression: impressionSchema,
  countersignature: countersignatureSchema,
} as const satisfies Record<FactKind, z.ZodType>;

/** The body type of a fact kind. */
export type FactBody<K extends FactKind> = z.infer<(typeof factBodySchemas)[K]>;

/**
 * Checks an untrusted fact body: plain JSON data (no `__proto__`, `constructor` or `prototype`
 * key anywhere) that satisfies its kind's strict schema — every object in it, nested ones too,
 * refuses fields it does not know. What passes is exactly what `factIdOf` addresses: no field
 * rides along outside the content address.
 */
export function parseFactBody<K extends FactKind>(kind: K, body: unknown): Result<FactBody<K>, Refusal<'invalid_record'>> {
  const problem = plainJsonProblem(body, '(body)');
  if (problem !== undefined) return refuse('invalid_record', `expected a ${kind} fact of plain JSON data: ${problem}`);
  return parseRecord(factBodySchemas[kind], body, `a ${kind} fact`) as Result<FactBody<K>, Refusal<'invalid_record'>>;
}

const withoutId = (body: { readonly id: string }): object => {
  const { id: _id, ...rest } = body;
  return rest;
};

/**
 * A fact's id as its kind defines it: the `contentId` of the body (decisions, grants, electronic grants,
 * attachments: SHA-256 of its canonical JSON without `id` — the WHOLE body, so pass the body as
 * it arrived, after `parseFactBody` refused any field the schema does not know), or its origin key
 * (`requestId:cancel:actorId:at`, `sealId:from:to:actorId:at`, `deviceId:seq`, `kind:ref` — an
 * alarm's, also for its resolution; an impression's random id chosen by its tablet;
 * `countersign:<impressionId>`). A body
 * whose stated id differs from this is refused.
 */
export async function factIdOf<K extends FactKind>(kind: K, body: FactBody<K>, sha256Hex: Sha256HexFunction = webCryptoSha256Hex): Promise<string> {
  switch (kind) {
    case 'decision':
    case 'grant':
    case 'electronic_grant':
    case 'attachment':
      return sha256Hex(canonicalBytes(withoutId(body as { id: string })));
    case 'cancellation': {
      const c = body as FactBody<'cancellation'>;
      return cancellationId(c.requestId, c.actorId, c.at);
    }
    case 'seal_status_change': {
      const c = body as FactBody<'seal_status_change'>;
      return sealStatusChangeId(c.sealId, c.from, c.to, c.actorId, c.at);
    }
    case 'device_event':
      return deviceEventId(body as FactBody<'device_event'>);
    case 'alarm':
    case 'alarm_resolution':
    case 'impression':
    case 'countersignature':
      return (body as FactBody<'alarm' | 'alarm_resolution' | 'impression' | 'countersignature'>).id;
    default:
      throw new TypeError(`unknown fact kind "${String(kind)}"`);
  }
}

/** The subject a fact is about (the record whose projection it feeds). */
export function factSubjectOf<K extends FactKind>(kind: K, body: FactBody<K>): string {
  switch (kind) {
    case 'decision':
      return subjectOf('request', (body as FactBody<'decision'>).payload.requestId);
    case 'cancellation':
    case 'grant':
    case 'electronic_grant':
    case 'impression':
    case 'countersignature':
      return subjectOf('request', (body as FactBody<'cancellation' | 'grant' | 'electronic_grant' | 'impression' | 'countersignature'>).requestId);
    case 'seal_status_change':
      return subjectOf('seal', (body as FactBody<'seal_status_change'>).sealId);
    case 'device_event':
      return subjectOf('device', (body as FactBody<'device_event'>).deviceId);
    case 'attachment':
      return (body as FactBody<'attachment'>).about;
    case 'alarm':
    case 'alarm_resolution':
      return subjectOf('alarm', (body as FactBody<'alarm' | 'alarm_resolution'>).kind);
    default:
      throw new TypeError(`unknown fact kind "${String(kind)}"`);
  }
}

/** The user a fact names as its maker, where it names one (the author of the row must be them). */
export function factActorOf(kind: FactKind, body: unknown): string | undefined {
  switch (kind) {
    case 'decision':
      return (body as FactBody<'decision'>).approverId;
    case 'cancellation':
    case 'seal_status_change':
      return (body as FactBody<'cancellation' | 'seal_status_change'>).actorId;
    case 'impression':
      return (body as FactBody<'impression'>).holderId;
    default:
      return undefined;
  }
}
