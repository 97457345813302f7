import { describe, expect, it } from 'vitest';
import { contentId } from '../domain/contentId';
import { toHex } from '../encoding/base64url';
import { alarmId } from '../domain/alarm';
import { approverB1, cancel, decide, grantFor, request, sealChange, staff, stampEvent } from '../domain/fixtures.testing';
import { factIdOf, factSubjectOf, parseFactBody } from './factBodies';
import type { FactKind } from './kinds';
import { changeRowId, changeRowPrefix, factRowId } from './rows';
import { parseSubject, subjectOf } from './subject';

/** An impression as a tablet records it (its code is `verificationCodeOf(id)`). */
const impression = {
  id: 'impression-0000000001', grantId: 'g'.repeat(64), requestId: 'R1', sealId: 'S1', holderId: 'u1', sourceSha256: 'dd'.repeat(32), signedSha256: 'ee'.repeat(32),
  certificateSerial: '0a'.repeat(16), claimedAt: 8, pages: [1, 3], verificationCode: '42AGNCUHDAY',
};
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

describe('fact bodies are strict', () => {
  const decision = decide(request, approverB1, 'approve');
  const grant = grantFor(request, [decision]);
  const alarm = { id: alarmId('tamper', 'dev-1:3'), kind: 'tamper', severity: 'critical', source: { kind: 'device', id: 'dev-1' }, ref: 'dev-1:3', message: 'opened', at: 5 };
  const resolution = { id: alarm.id, kind: alarm.kind, source: { kind: 'server', id: 'sync-server' }, message: 'the missing entries arrived', at: 6 };
  const bodies: Record<FactKind, Record<string, unknown>> = {
    decision, grant, alarm,
    alarm_resolution: resolution,
    cancellation: cancel(request, staff, 10),
    seal_status_change: sealChange('active', 'suspended', 10),
    device_event: stampEvent(1, 10),
    attachment: { ...attachment, id: 'cd'.repeat(32) },
    electronic_grant: (({ deviceId: _d, geofence: _g, ...rest }) => ({ ...rest, form: 'electronic', documentSha256: request.document.sha256 }))(grant),
    impression,
    countersignature: { id: 'countersign:impression-0000000001', impressionId: impression.id, requestId: 'R1', sealId: 'S1', signedSha256: 'ee'.repeat(32), countersignedSha256: 'ff'.repeat(32), countersignerSerial: '0a'.repeat(16), at: 9 },
  };

  it('takes each kind\'s body as it is, and refuses an unknown field at its top', () => {
    for (const [kind, body] of Object.entries(bodies) as [FactKind, Record<string, unknown>][]) {
      expect(parseFactBody(kind, body).ok, kind).toBe(true);
      expect(parseFactBody(kind, { ...body, status: 'approved' }), kind).toMatchObject({ ok: false, error: { message: expect.stringContaining('status') as unknown } });
      expect(parseFactBody(kind, { ...body, constructor: 'Object' }).ok, kind).toBe(false);
      expect(parseFactBody(kind, JSON.parse(JSON.stringify({ ...body, __proto__x: 1 }).replace('__proto__x', '__proto__')) as unknown).ok, kind).toBe(false);
    }
  });

  it('refuses unknown fields nested at any depth', () => {
    const nested: [FactKind, Record<string, unknown>][] = [
      ['decision', { ...decision, payload: { ...decision.payload, grantedUses: 9 } }],
      ['decision', { ...decision, payload: { ...decision.payload, window: { ...decision.payload.window, x: 1 } } }],
      ['decision', { ...decision, payload: { ...decision.payload, place: { ...decision.payload.place, geofence: { ...decision.payload.place.geofence, x: 1 } } } }],
      ['decision', { ...decision, assertion: { ...decision.assertion, x: 1 } }],
      ['grant', { ...grant, decisions: [{ ...decision, note: '<b>' }] }],
      ['grant', { ...grant, geofence: { ...grant.geofence, x: 1 } }],
      ['device_event', { ...bodies.device_event, payload: { ...(bodies.device_event.payload as object), debug: true } }],
      ['alarm', { ...alarm, source: { ...alarm.source, x: 1 } }],
      ['alarm_resolution', { ...resolution, source: { ...resolution.source, x: 1 } }],
      ['electronic_grant', { ...bodies.electronic_grant, decisions: [{ ...decision, note: '<b>' }] }],
      ['electronic_grant', { ...bodies.electronic_grant, deviceId: 'dev-1' }],
      ['impression', { ...impression, pages: [3, 1] }],
      ['impression', { ...impression, pages: [1, 1] }],
      ['impression', { ...impression, verificationCode: '42AG-NCUH-DAY' }],
      ['impression', { ...impression, id: 'short' }],
    ];
    for (const [kind, body] of nested) expect(parseFactBody(kind, body).ok, `${kind}: ${JSON.stringify(body).slice(0, 60)}`).toBe(false);
  });
});
