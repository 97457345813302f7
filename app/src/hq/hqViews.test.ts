import { describe, expect, it } from 'vitest';
import { hqEventsCsvQuerySchema, hqEventsQuerySchema } from '@seal/shared';
import { hqEventQuery, hqEventsCsvHref } from '../api/hq';
import { eventFilterOf, logSearchOf, logViewOf, viewKey } from './hqViews';

describe("headquarters' log view in the address", () => {
  const address = new URLSearchParams('unit=site-1&seal=seal-9&kind=stamp,refusal&kind=tamper&from=2026-11-01&to=2026-11-30&anomalies=1&person=u-7');
  const params = Object.fromEntries([...new Set(address.keys())].map((name) => [name, address.getAll(name)]));

  it('reads every filter back from the query string it writes (a shared link shows the same view)', () => {
    const view = logViewOf(params);
    expect(view).toEqual({ unit: 'site-1', seal: 'seal-9', device: undefined, person: 'u-7', kinds: ['stamp', 'refusal', 'tamper'], from: '2026-11-01', to: '2026-11-30', anomalies: true });
    const written = logSearchOf(view);
    expect(logViewOf(written)).toEqual(view);
    expect(viewKey(written)).toBe('anomalies=1&from=2026-11-01&kind=stamp%2Crefusal%2Ctamper&person=u-7&seal=seal-9&to=2026-11-30&unit=site-1');
  });

  it('leaves out what it cannot read instead of failing the page', () => {
    expect(logViewOf({ unit: '../etc', kind: 'stamp,bogus', from: '2026-13-45x', anomalies: 'maybe' })).toEqual({
      unit: undefined, seal: undefined, device: undefined, person: undefined, kinds: ['stamp'], from: undefined, to: undefined, anomalies: false,
    });
  });

  it('asks the API for whole China days, the last day included, in a query its schema accepts', () => {
    const query = hqEventQuery(eventFilterOf(logViewOf(params)), { cursor: 'abc', limit: 50 });
    const parsed = hqEventsQuerySchema.parse(Object.fromEntries(new URLSearchParams(query)));
    expect(parsed).toEqual({
      unit: 'site-1', seal: 'seal-9', person: 'u-7', kind: ['stamp', 'refusal', 'tamper'],
      from: Date.parse('2026-11-01T00:00:00+08:00'), to: Date.parse('2026-12-01T00:00:00+08:00'),
      anomalies: true, cursor: 'abc', limit: 50,
    });
  });

  it('gives the CSV link the same filters, and nothing else', () => {
    const href = hqEventsCsvHref(eventFilterOf(logViewOf(params)));
    expect(href.startsWith('/api/hq/events.csv?')).toBe(true);
    const parsed = hqEventsCsvQuerySchema.parse(Object.fromEntries(new URLSearchParams(href.split('?')[1])));
    expect(parsed.kind).toEqual(['stamp', 'refusal', 'tamper']);
    expect(parsed.to).toBe(Date.parse('2026-12-01T00:00:00+08:00'));
    expect(hqEventsCsvHref(eventFilterOf(logViewOf({})))).toBe('/api/hq/events.csv');
  });
});
