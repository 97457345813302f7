import { reasonWithoutTag } from '@seal/shared';
import type { TimelineEvent, TimelineSummary } from '@seal/shared';

/** One line of an event's summary as a row shows it. */
export interface SummaryItem {
  readonly name: string;
  readonly value: string;
}

export interface SummaryNames {
  /** A person's, a unit's or a seal's name for an id, or `undefined` when this device does not know it. */
  readonly nameOf: (id: string) => string | undefined;
  readonly moment: (ms: number) => string;
  readonly yesNo: (value: boolean) => string;
  /** A summary field's name in words, or `undefined` to show it as the server names it. */
  readonly field?: (name: string) => string | undefined;
  /** A coded value in words (a refusal code, a status, a role…), or `undefined` to show it as it is. */
  readonly code?: (name: string, value: string) => string | undefined;
}

/** Fields the row already shows in its own words (kind, time, unit, seal, device, request, people). */
const SHOWN_ELSEWHERE = new Set(['kind', 'type', 'at', 'unitId', 'sealId', 'deviceId', 'requestId', 'personIds']);
/** Hashes and ids only a machine reads: the evidence page (linked from the row) shows what they prove. */
const TECHNICAL = new Set(['photoSha256', 'sha256', 'documentSha256', 'grantId', 'alarmId', 'ref']);
/** A field holding a moment in epoch milliseconds: `at`, `createdAt`, `validUntil`… */
const MOMENT_FIELD = /(At|Time|From|Until|Before|After)$/;
const PLAUSIBLE_MOMENT = (value: number): boolean => value > 946_684_800_000 && value < 4_102_444_800_000;

/**
 * The summary the server gives an event, readable: ids it names as the names this device knows,
 * moments as China time, flags as yes / no, codes and field names in words where `names` has them;
 * what the row shows elsewhere, hashes and machine ids left out, and a device's own English message
 * when its refusal code says it in words.
 */
export function summaryItems(summary: TimelineSummary, names: SummaryNames): SummaryItem[] {
  const coded = typeof summary.code === 'string' && names.code?.('code', summary.code) !== undefined;
  return Object.entries(summary)
    .filter(([name, value]) => !SHOWN_ELSEWHERE.has(name) && !TECHNICAL.has(name) && !(coded && name === 'message') && value !== null && value !== '')
    .map(([name, value]) => ({ name: names.field?.(name) ?? name, value: summaryValue(name, value, names) }));
}

function summaryValue(name: string, value: string | number | boolean | null, names: SummaryNames): string {
  if (typeof value === 'boolean') return names.yesNo(value);
  if (typeof value === 'number') return MOMENT_FIELD.test(name) && PLAUSIBLE_MOMENT(value) ? names.moment(value) : String(value);
  // A reason the server tagged with the governance request that made the move: the words only (the id is not for reading).
  if (name === 'reason' && value !== null) return reasonWithoutTag(value).text;
  return names.nameOf(value ?? '') ?? names.code?.(name, value ?? '') ?? String(value);
}

/** The people an event names, by name where known. */
export const peopleOf = (event: TimelineEvent, nameOf: (id: string) => string): string[] => event.personIds.map(nameOf);
