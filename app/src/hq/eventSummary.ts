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
}

/** Fields the row already shows in its own words (kind, time, unit, seal, device, request, people). */
const SHOWN_ELSEWHERE = new Set(['kind', 'type', 'at', 'unitId', 'sealId', 'deviceId', 'requestId', 'personIds']);
/** A field holding a moment in epoch milliseconds: `at`, `createdAt`, `validUntil`… */
const MOMENT_FIELD = /(At|Time|From|Until|Before|After)$/;
const PLAUSIBLE_MOMENT = (value: number): boolean => value > 946_684_800_000 && value < 4_102_444_800_000;

/**
 * The summary the server gives an event, readable: ids it names as the names this device knows,
 * moments as China time, flags as yes / no; what the row shows elsewhere left out. The summary's
 * field names are the server's (`uses`, `reason`…): shown as they come.
 */
export function summaryItems(summary: TimelineSummary, names: SummaryNames): SummaryItem[] {
  return Object.entries(summary)
    .filter(([name, value]) => !SHOWN_ELSEWHERE.has(name) && value !== null && value !== '')
    .map(([name, value]) => ({ name, value: summaryValue(name, value, names) }));
}

function summaryValue(name: string, value: string | number | boolean | null, names: SummaryNames): string {
  if (typeof value === 'boolean') return names.yesNo(value);
  if (typeof value === 'number') return MOMENT_FIELD.test(name) && PLAUSIBLE_MOMENT(value) ? names.moment(value) : String(value);
  return names.nameOf(value ?? '') ?? String(value);
}

/** The people an event names, by name where known. */
export const peopleOf = (event: TimelineEvent, nameOf: (id: string) => string): string[] => event.personIds.map(nameOf);
