import { approverB1, decide, grantFor, request } from '@seal/shared/testing';
import { describe, expect, it } from 'vitest';
import { parseGrantFile } from './grantFile';

const grant = grantFor(request, [decide(request, approverB1, 'approve')]);
const text = JSON.stringify(grant);

describe('parseGrantFile', () => {
  it('takes a grant held by the person', () => {
    expect(parseGrantFile(text, grant.holderId)).toEqual({ ok: true, grant });
  });

  it('refuses a file that is not JSON', () => {
    expect(parseGrantFile('{"not json', grant.holderId)).toEqual({ ok: false, problem: { code: 'not_json' } });
    expect(parseGrantFile('', grant.holderId)).toEqual({ ok: false, problem: { code: 'not_json' } });
  });

  it('refuses JSON that is not a grant, saying why in at most three lines', () => {
    const result = parseGrantFile(JSON.stringify({ ...grant, uses: 'many' }), grant.holderId);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problem.code).toBe('not_grant');
    expect(result.problem.code === 'not_grant' && result.problem.detail).toMatch(/uses/);
    expect(parseGrantFile('[]', grant.holderId)).toMatchObject({ ok: false, problem: { code: 'not_grant' } });
  });

  it("refuses someone else's grant", () => {
    expect(parseGrantFile(text, 'someone-else')).toEqual({ ok: false, problem: { code: 'not_yours' } });
  });
});
