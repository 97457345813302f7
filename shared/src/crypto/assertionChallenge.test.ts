import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from '../encoding/base64url';
import { hashRecord } from '../encoding/canonical';
import { assertionChallenge } from './assertionChallenge';
import { fixture } from './webauthnFixture.testing';

describe('assertionChallenge', () => {
  it('is hashRecord(record): 32 bytes, independent of key order', async () => {
    const record = { purpose: 'unlock', deviceId: 'd1', nonce: 'AAEC', requestId: 'r1', holderId: 'u1' };
    const reordered = { holderId: 'u1', requestId: 'r1', nonce: 'AAEC', deviceId: 'd1', purpose: 'unlock' };
    expect(await assertionChallenge(record)).toEqual(await hashRecord(record));
    expect(await assertionChallenge(reordered)).toEqual(await assertionChallenge(record));
    expect((await assertionChallenge(record)).length).toBe(32);
  });

  it('is what the browser put in the captured clientDataJSON, as base64url', async () => {
    for (const { record, challenge, response } of fixture.assertions) {
      const clientData = JSON.parse(new TextDecoder().decode(fromBase64Url(response.clientDataJSON))) as { challenge: string };
      expect(toBase64Url(await assertionChallenge(record))).toBe(challenge);
      expect(clientData.challenge).toBe(challenge);
    }
  });
});
