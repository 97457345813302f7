import { createMemo, type Accessor } from 'solid-js';
import type { SessionView as Session } from '@seal/shared';
import type { SelectOption } from '../../components/Select';
import type { UnitChoice } from '../../components/unitOptions';
import { unitsFor } from '../../hq/hqAccess';
import { useDirectory } from '../../org/DirectoryProvider';
import { createRecords } from '../../sync/createRecords';
import { unitTreeRows } from '../admin/unitTree';

/** What the log's filters offer: names this device knows, by id. */
export interface HqChoices {
  readonly units: Accessor<UnitChoice[]>;
  readonly seals: Accessor<SelectOption[]>;
  readonly devices: Accessor<SelectOption[]>;
  readonly people: Accessor<SelectOption[]>;
  /** A unit's, seal's or person's name for an id, if this device knows it. */
  readonly nameOf: (id: string) => string | undefined;
  readonly unitName: (id: string) => string;
  readonly sealName: (id: string) => string;
  readonly personName: (id: string) => string;
  /** A request's document title (and purpose) for its id, if this device holds the request; else the id. */
  readonly requestTitle: (id: string) => string;
}

const byLabel = (a: SelectOption, b: SelectOption): number => a.label.localeCompare(b.label);

/**
 * The units the user may read the log of (in tree order), and the seals, devices and people this
 * device knows (the directory, the records held): to choose filters by name, and to show names in
 * rows. Ids it does not know are shown as they are.
 */
export function createHqChoices(session: Accessor<Session>): HqChoices {
  const directory = useDirectory();
  const seals = createRecords('seal');
  const devices = createRecords('device');
  const requests = createRecords('request');
  const units = createMemo(() => {
    const named = directory.directory()?.units ?? [];
    return unitTreeRows(unitsFor(session(), 'log.read', named));
  });
  const sealNames = createMemo(() => new Map(seals().map((s) => [s.recordId, s.record.name])));
  const userNames = createMemo(() => new Map(directory.users().map((u) => [u.id as string, u.name])));
  const unitNames = createMemo(() => new Map(directory.units().map((u) => [u.id as string, u.name])));
  const requestTitles = createMemo(() => new Map(requests().map((r) => [r.recordId, `${r.record.document.title} · ${r.record.purpose}`])));
  const nameOf = (id: string): string | undefined => userNames().get(id) ?? sealNames().get(id) ?? unitNames().get(id);
  const sealOptions = createMemo(() => seals().map((s) => ({ value: s.recordId, label: s.record.name })).sort(byLabel));
  const deviceOptions = createMemo(() => devices().map((d) => ({ value: d.recordId, label: d.recordId })).sort(byLabel));
  const peopleOptions = createMemo(() => directory.users().map((u) => ({ value: u.id, label: u.name })).sort(byLabel));
  return {
    units: () => units().map(({ unit, depth }) => ({ unit, depth })),
    seals: sealOptions,
    devices: deviceOptions,
    people: peopleOptions,
    nameOf,
    unitName: (id) => unitNames().get(id) ?? id,
    sealName: (id) => sealNames().get(id) ?? id,
    personName: (id) => userNames().get(id) ?? id,
    requestTitle: (id) => requestTitles().get(id) ?? id,
  };
}

/** The options, plus the chosen value when it is not among them (a shared link may name one this device does not hold). */
export function withChosen(options: readonly SelectOption[], chosen: string | undefined): SelectOption[] {
  return chosen === undefined || options.some((o) => o.value === chosen) ? [...options] : [...options, { value: chosen, label: chosen }];
}
