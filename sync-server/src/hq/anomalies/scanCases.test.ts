import { describe, expect, it } from 'vitest';
import type { Anomaly } from '@seal/shared';
import { newCase, type CaseDoc } from './casesRepo';
import { planCase } from './scanCases';

const T = 1_790_000_000_000;
const anomaly = (evidence: string[]): Anomaly => ({
  caseKey: 'over_use:req-1', kind: 'over_use', severity: 'high', unitId: 'unit-site', deviceId: 'dev-1', sealId: 'seal-1', requestId: 'req-1', at: T, message: 'used more than approved', evidence,
}) as unknown as Anomaly;
const stamps = (...seqs: number[]) => seqs.map((seq) => `fact:device_event:dev-1:${seq}`);

describe('planCase: what a scan writes for an anomaly', () => {
  const opened = newCase(anomaly(stamps(3)), T);
  const resolved: CaseDoc = { ...opened, status: 'resolved', acknowledgedAt: T + 1, acknowledgedBy: 'usr-a', resolvedAt: T + 2, resolvedBy: 'usr-a', resolution: '补签了审批' };

  it('opens a case the first time, and writes nothing for the same evidence', () => {
    expect(planCase(undefined, anomaly(stamps(3)), T)?.action).toBe('case.open');
    expect(planCase(resolved, anomaly(stamps(3)), T + 5)).toBeUndefined();
  });

  it('adds evidence to an open case, keeping its status', () => {
    expect(planCase({ ...opened, status: 'acknowledged' }, anomaly(stamps(3, 4)), T + 5)).toMatchObject({ action: 'case.evidence', after: { status: 'acknowledged', evidence: stamps(3, 4) } });
  });

  it('opens a resolved case again when new evidence comes (another stamp over the approved uses), its resolution cleared', () => {
    const plan = planCase(resolved, anomaly(stamps(3, 4)), T + 5);
    expect(plan?.action).toBe('case.reopen');
    expect(plan?.after).toMatchObject({ status: 'open', evidence: stamps(3, 4), lastSeenAt: T + 5 });
    for (const gone of ['resolvedAt', 'resolvedBy', 'resolution', 'acknowledgedAt', 'acknowledgedBy']) expect(plan?.after).not.toHaveProperty(gone);
  });

  it('keeps a resolved case resolved when its evidence only shrinks (a row no longer counted)', () => {
    const wider: CaseDoc = { ...resolved, evidence: stamps(3, 4) };
    expect(planCase(wider, anomaly(stamps(3)), T + 5)).toMatchObject({ action: 'case.evidence', after: { status: 'resolved', resolution: '补签了审批' } });
  });
});
