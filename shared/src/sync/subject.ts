import { z } from 'zod';
import { recordKindSchema, type RecordKind } from './kinds';

/** What a subject names: a record (`seal:S1`), or the alarms about something (`alarm:…`). */
const SUBJECT = /^(seal|device|request|profile|alarm):[A-Za-z0-9._-]{1,128}$/;

/**
 * The subject of a row: the record it is about, `kind:recordId` (`request:R1`). Change rows are
 * about their document; facts about the record they concern (a decision about its request, a
 * lifecycle change about its seal). Replicas index rows by subject to rebuild one projection.
 */
export const subjectSchema = z.string().regex(SUBJECT, { message: 'expected a subject `kind:recordId` (kind: seal, device, request, profile, alarm)' });
export type Subject = z.infer<typeof subjectSchema>;

/** The subject of a record. */
export const subjectOf = (kind: RecordKind | 'alarm', recordId: string): string => `${kind}:${recordId}`;

/** The record kind and id a subject names; `undefined` for alarms and malformed subjects. */
export function parseSubject(subject: string): { readonly kind: RecordKind; readonly recordId: string } | undefined {
  const colon = subject.indexOf(':');
  const kind = recordKindSchema.safeParse(subject.slice(0, colon));
  return colon > 0 && kind.success ? { kind: kind.data, recordId: subject.slice(colon + 1) } : undefined;
}
