import { describe, expect, it } from 'vitest';
import { auditReportQuerySchema, casesQuerySchema, type SessionView as Session, type UnitView as Unit } from '@seal/shared';
import { auditReportHref } from '../api/hqCases';
import { caseListSearchOf, caseListViewOf, evidenceHref, scanUnitsOf } from './caseViews';

const unit = (id: string, parentId: string | null): Unit => ({ id, name: id, kind: parentId === null ? 'hq' : 'branch', parentId, createdAt: 0, updatedAt: 0 });
const auditorAt = (...unitIds: string[]): Session => ({ user: { grants: unitIds.map((unitId) => ({ role: 'auditor', unitId })) } }) as unknown as Session;

describe("the exception queue's view and links", () => {
  it('reads the filters back from the address it writes, and the API accepts them; unknown values are left out', () => {
    const view = caseListViewOf({ unit: 'east', status: 'acknowledged', kind: 'tamper' });
    expect(view).toEqual({ unit: 'east', status: 'acknowledged', kind: 'tamper' });
    expect(caseListViewOf(caseListSearchOf(view))).toEqual(view);
    expect(casesQuerySchema.safeParse(caseListSearchOf(view)).success).toBe(true);
    expect(caseListViewOf({ status: 'closed', kind: 'stolen', unit: '../x' })).toEqual({ unit: undefined, status: undefined, kind: undefined });
  });

  it("links a device-log row to that stamp's evidence, and nothing else", () => {
    expect(evidenceHref('fact:device_event:dev-1:42')).toBe('/hq/stamps/dev-1%3A42');
    expect(evidenceHref('fact:grant:g-1')).toBeUndefined();
    expect(evidenceHref('change:request:r-1:abc')).toBeUndefined();
  });

  it('scans the chosen unit, else each topmost unit the person reviews (not the units under them)', () => {
    const units = [unit('hq', null), unit('east', 'hq'), unit('east-1', 'east'), unit('west', 'hq')];
    expect(scanUnitsOf(auditorAt('east', 'east-1', 'west'), units, undefined).sort()).toEqual(['east', 'west']);
    expect(scanUnitsOf(auditorAt('hq'), units, undefined)).toEqual(['hq']);
    expect(scanUnitsOf(auditorAt('hq'), units, 'east')).toEqual(['east']);
    expect(scanUnitsOf(auditorAt('east'), [], undefined)).toEqual(['east']);
  });

  it("writes a PDF report address the server's query schema accepts", () => {
    const href = auditReportHref({ unit: 'hq', from: 1_700_000_000_000, to: 1_700_086_400_000 });
    const query = Object.fromEntries(new URL(href, 'http://x').searchParams);
    expect(auditReportQuerySchema.safeParse(query).success).toBe(true);
  });
});
