import { describe, expect, it } from 'vitest';
import { contentId } from '../domain/contentId';
import { toHex } from '../encoding/base64url';
import { factIdOf, factSubjectOf } from './factBodies';
import { changeRowId, changeRowPrefix, factRowId } from './rows';
import { parseSubject, subjectOf } from './subject';

const attachment = { sha256: 'ab'.repeat(32), about: 'request:R1', mime: 'image/jpeg', size: 10, at: 5 } as const;

describe('fact ids', () => {
  it('content-addresses with the default or an injected hasher alike, as contentId does', async () => {
    const body = { ...attachment, id: '' };
    const viaWebCrypto = await factIdOf('attachment', body);
    const injected = await factIdOf('attachment', body, async (bytes) => toHex(new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>))));
    expect(injected).toBe(viaWebCrypto);
    expect(viaWebCrypto).toBe(await contentId(attachment));
  });

  it('keys origin-keyed facts by their origin', async () => {
    const change = { id: 'x', sealId: 'S1', from: null, to: 'active', actorId: 'u1', actorRole: 'custodian', reason: 'made', at: 7 } as never;
    expect(await factIdOf('seal_status_change', change)).toBe('S1:new:active:u1:7');
    expect(factRowId('seal_status_change', 'S1:new:active:u1:7')).toBe('fact:seal_status_change:S1:new:active:u1:7');
    expect(factSubjectOf('seal_status_change', change)).toBe('seal:S1');
  });

  it('names change rows so that one record\'s changes form one key range', () => {
    expect(changeRowId('seal', 'S1', 'ff')).toBe('change:seal:S1:ff');
    expect(changeRowId('seal', 'S1', 'ff').startsWith(changeRowPrefix('seal', 'S1'))).toBe(true);
    expect(changeRowId('seal', 'S10', 'ff').startsWith(changeRowPrefix('seal', 'S1'))).toBe(false);
    expect(parseSubject(subjectOf('request', 'R1'))).toEqual({ kind: 'request', recordId: 'R1' });
    expect(parseSubject('alarm:fact_conflict')).toBeUndefined();
  });
});
