import { describe, expect, it } from 'vitest';
import { canonicalJson, hashRecordHex } from '../encoding/canonical';
import { alarmId, alarmSchema } from './alarm';
import { contentId, withContentId } from './contentId';
import { decisionPayload, decisionPayloadSchema, decisionSchema } from './decision';
import { deviceSchema } from './device';
import { deviceEventHash, deviceEventId, deviceEventSchema, deviceEventSigningBody } from './deviceEvent';
import { grantBody, grantSchema } from './grant';
import { deviceIdSchema, sealIdSchema, type DeviceId, type SealId } from './ids';
import { sealSchema } from './seal';
import { useRequestSchema } from './useRequest';
import { approverB1, contractSeal, decide, request, stampEvent } from './fixtures.testing';

describe('branded ids', () => {
  it('keep a SealId from being used as a DeviceId', () => {
    const sealId: SealId = sealIdSchema.parse('seal-1');
    const takesDevice = (id: DeviceId) => id;
    // @ts-expect-error a SealId is not a DeviceId
    takesDevice(sealId);
    expect(takesDevice(deviceIdSchema.parse('dev-1'))).toBe('dev-1');
  });

  it('refuse whitespace, colons and empty ids in record ids', () => {
    for (const bad of ['', 'a b', 'a:b', 'x'.repeat(129), 'é']) expect(sealIdSchema.safeParse(bad).success).toBe(false);
  });
});

describe('decisionPayload', () => {
  it('holds exactly the signed terms, as plain JSON', () => {
    const payload = decisionPayload(request, 'approve');
    expect(payload).toEqual({
      purpose: 'seal-use-decision',
      requestId: 'req-1',
      requesterId: request.requesterId,
      documentSha256: 'ab'.repeat(32),
      sealId: 'seal-contract-b1',
      uses: 2,
      window: request.window,
      place: request.place,
      verdict: 'approve',
    });
    expect(decisionPayloadSchema.parse(payload)).toEqual(payload);
    expect(() => canonicalJson(payload)).not.toThrow();
  });

  it('leaves out an absent geofence rather than writing undefined', () => {
    const payload = decisionPayload({ ...request, place: { unitId: request.place.unitId } }, 'reject');
    expect(Object.keys(payload.place)).toEqual(['unitId']);
    expect(() => canonicalJson(payload)).not.toThrow();
  });

  it('changes its hash when any signed term changes, and not for unsigned ones', async () => {
    const base = await hashRecordHex(decisionPayload(request, 'approve'));
    const variants = [
      { ...request, usesRequested: 3 },
      { ...request, document: { ...request.document, sha256: 'cd'.repeat(32) } },
      { ...request, window: { ...request.window, notAfter: request.window.notAfter + 1 } },
      { ...request, place: { unitId: request.place.unitId } },
      { ...request, requesterId: 'someone-else' as typeof request.requesterId },
    ];
    for (const variant of variants) expect(await hashRecordHex(decisionPayload(variant, 'approve'))).not.toBe(base);
    expect(await hashRecordHex(decisionPayload(request, 'reject'))).not.toBe(base);
    expect(await hashRecordHex(decisionPayload({ ...request, purpose: '别的用途', copies: 9 }, 'approve'))).toBe(base);
  });

  it('refuses extra members in a payload (strict)', () => {
    expect(decisionPayloadSchema.safeParse({ ...decisionPayload(request, 'approve'), comment: 'x' }).success).toBe(false);
  });
});

describe('record schemas', () => {
  it('accept the fixtures', () => {
    expect(sealSchema.parse(contractSeal)).toEqual(contractSeal);
    expect(useRequestSchema.parse(request)).toEqual(request);
    expect(deviceEventSchema.parse(stampEvent(1, 5))).toEqual(stampEvent(1, 5));
  });

  it('refuse a window that ends before it starts, and zero uses', () => {
    expect(useRequestSchema.safeParse({ ...request, window: { notBefore: 5, notAfter: 5 } }).success).toBe(false);
    expect(useRequestSchema.safeParse({ ...request, usesRequested: 0 }).success).toBe(false);
    expect(useRequestSchema.safeParse({ ...request, document: { ...request.document, sha256: 'AB'.repeat(32) } }).success).toBe(false);
  });

  it('tie a device’s state to its seal', () => {
    const jwk = { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'A'.repeat(43) };
    const device = { id: 'dev-1', serial: 'SN-001', publicKeyJwk: jwk, unitId: 'B1', state: 'bound', sealId: 'seal-1', provisionedAt: 1 };
    expect(deviceSchema.safeParse(device).success).toBe(true);
    expect(deviceSchema.safeParse({ ...device, sealId: null }).error?.issues[0]?.message).toBe('expected a seal id on a bound device, got null');
    expect(deviceSchema.safeParse({ ...device, state: 'retired' }).success).toBe(false);
    expect(deviceSchema.safeParse({ ...device, publicKeyJwk: { ...jwk, d: 'A'.repeat(43) } }).success).toBe(false);
  });

  it('refuse a physical seal without a code or with an electronic-only shape', () => {
    const { antiCounterfeitCode: _code, ...noCode } = contractSeal;
    expect(sealSchema.safeParse(noCode).success).toBe(false);
    const { deviceId: _device, ...electronicBase } = contractSeal;
    expect(sealSchema.safeParse({ ...electronicBase, form: 'electronic' }).success).toBe(true);
  });
});

describe('device events', () => {
  it('are keyed by deviceId:seq and sign everything but the signature', async () => {
    const event = stampEvent(7, 100);
    expect(deviceEventId(event)).toBe('dev-1:7');
    const body = deviceEventSigningBody(event);
    expect('signature' in body).toBe(false);
    expect(body.type).toBe('stamp');
    expect(await deviceEventHash(event)).toBe(await hashRecordHex(event));
  });

  it('refuse an unknown type and a wrong payload', () => {
    expect(deviceEventSchema.safeParse({ ...stampEvent(1, 1), type: 'explode' }).success).toBe(false);
    expect(deviceEventSchema.safeParse({ ...stampEvent(1, 1), type: 'low_battery' }).success).toBe(false);
    expect(deviceEventSchema.safeParse({ ...stampEvent(1, 1), type: 'low_battery', payload: { percent: 12 } }).success).toBe(true);
  });
});

describe('grants and content ids', () => {
  it('assemble a deterministic grant from approving decisions', async () => {
    const a = decide(request, approverB1, 'approve', 1);
    const b = decide(request, approverB1, 'approve', 2);
    const one = grantBody(request, contractSeal, [b, a]);
    const two = grantBody(request, contractSeal, [a, b, a]);
    expect(one).toEqual(two);
    if (!one.ok) throw new Error(one.error.message);
    expect(one.value).toMatchObject({ deviceId: 'dev-1', holderId: 'staff', uses: 2, geofence: request.place.geofence });
    const grant = await withContentId(one.value);
    expect(grant.id).toMatch(/^[0-9a-f]{64}$/);
    expect(grantSchema.parse(grant)).toEqual(grant);
    expect(await contentId(one.value)).toBe(grant.id);
  });

  it('refuse electronic seals, unbound seals and decisions over other terms', () => {
    const approve = decide(request, approverB1, 'approve');
    expect(grantBody(request, { ...contractSeal, deviceId: null }, [approve])).toMatchObject({ ok: false, error: { code: 'grant_wrong_device' } });
    const { deviceId: _d, ...base } = contractSeal;
    expect(grantBody(request, { ...base, form: 'electronic' }, [approve])).toMatchObject({ ok: false, error: { code: 'grant_wrong_device' } });
    expect(grantBody(request, contractSeal, [decide(request, approverB1, 'reject')])).toMatchObject({ ok: false, error: { code: 'grant_rejected' } });
    expect(grantBody(request, contractSeal, [decide({ ...request, usesRequested: 9 }, approverB1, 'approve')])).toMatchObject({ ok: false, error: { code: 'grant_stale_terms' } });
    expect(grantBody(request, contractSeal, [])).toMatchObject({ ok: false, error: { code: 'grant_insufficient_approvals' } });
  });

  it('refuse to hash a fact that still has its id', async () => {
    await expect(contentId({ id: 'x' })).rejects.toThrow(TypeError);
  });

  it('give decisions a schema that parses the fixtures', () => {
    const decision = decide(request, approverB1, 'approve');
    expect(decisionSchema.safeParse(decision).success).toBe(true);
  });
});

describe('alarms', () => {
  it('are keyed by kind and what raised them', () => {
    const id = alarmId('tamper', 'dev-1:42');
    expect(id).toBe('tamper:dev-1:42');
    expect(alarmSchema.safeParse({ id, kind: 'tamper', severity: 'critical', source: { kind: 'device', id: 'dev-1' }, ref: 'dev-1:42', message: 'case opened', at: 1 }).success).toBe(true);
  });
});
