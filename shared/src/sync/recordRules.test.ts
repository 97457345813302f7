import { describe, expect, it } from 'vitest';
import { contractSeal, request } from '../domain/fixtures.testing';
import { judgeRecordEdit, FIXED_RECORD_FIELDS, type RecordEdit } from './recordRules';
import type { RecordKind } from './kinds';

const { status: _status, ...seal } = contractSeal;
const device = {
  id: 'dev-1', serial: 'SN-1', unitId: 'B1', state: 'provisioned', sealId: null, provisionedAt: 5,
  publicKeyJwk: { kty: 'EC', crv: 'P-256', x: 'A'.repeat(43), y: 'E'.repeat(43) },
};
const profile = { id: 'staff', name: 'Staff', unitId: 'S1' };
const RECORDS: Record<RecordKind, Record<string, unknown>> = { seal, device, request, profile };

const judge = <K extends RecordKind>(edit: RecordEdit<K>) => {
  const result = judgeRecordEdit(edit);
  return result.ok ? 'ok' : `${result.error.code}: ${result.error.message}`;
};

describe('judgeRecordEdit', () => {
  it('creates a record once, and edits only one that is held', () => {
    for (const [kind, record] of Object.entries(RECORDS) as [RecordKind, Record<string, unknown>][]) {
      const recordId = record.id as string;
      expect(judge({ kind, recordId, creation: true, before: null, after: record }), kind).toBe('ok');
      expect(judge({ kind, recordId, creation: true, before: record, after: record }), kind).toMatch(/^record_exists: .*second creation/);
      expect(judge({ kind, recordId, creation: false, before: null, after: record }), kind).toMatch(/^unknown_record/);
      expect(judge({ kind, recordId, creation: false, before: record, after: { ...record } }), kind).toBe('ok');
    }
  });

  it('refuses unknown fields at the top and nested, in every kind', () => {
    const dirty: [RecordKind, Record<string, unknown>, string][] = [
      ['seal', { ...seal, isAdmin: true }, 'isAdmin'],
      ['device', { ...device, trusted: true }, 'trusted'],
      ['device', { ...device, publicKeyJwk: { ...device.publicKeyJwk, d: 'C'.repeat(43) } }, 'd'],
      ['request', { ...request, document: { ...request.document, signedBy: 'x' } }, 'signedBy'],
      ['request', { ...request, window: { ...request.window, graceMs: 1 } }, 'graceMs'],
      ['request', { ...request, place: { ...request.place, geofence: { ...request.place.geofence, ignore: true } } }, 'ignore'],
      ['profile', { ...profile, roles: ['admin'] }, 'roles'],
    ];
    for (const [kind, after, field] of dirty) {
      expect(judge({ kind, recordId: after.id as string, creation: true, before: null, after }), field).toMatch(new RegExp(`^invalid_record: .*${field}`));
    }
  });

  it('refuses prototype keys and inherited fields', () => {
    expect(judge({ kind: 'seal', recordId: seal.id, creation: true, before: null, after: { ...seal, constructor: 'x' } })).toMatch(/^invalid_record: .*"constructor"/);
    const inherited = Object.assign(Object.create({ isAdmin: true }) as object, seal);
    expect(judge({ kind: 'seal', recordId: seal.id, creation: false, before: seal, after: inherited })).toMatch(/^invalid_record: .*another prototype/);
  });

  it('keeps the id and every field fixed at creation', () => {
    expect(judge({ kind: 'seal', recordId: 'other-id', creation: true, before: null, after: seal })).toMatch(/keep its id/);
    const flips: [RecordKind, string, unknown][] = [
      ['seal', 'kind', 'official'],
      ['seal', 'unitId', 'S1'],
      ['seal', 'createdAt', 2],
      ['device', 'publicKeyJwk', { ...device.publicKeyJwk, x: 'I'.repeat(43) }],
      ['device', 'unitId', 'S1'],
      ['request', 'requesterId', 'admin'],
      ['profile', 'unitId', 'B1'],
    ];
    for (const [kind, field, value] of flips) {
      expect(FIXED_RECORD_FIELDS[kind]).toContain(field);
      const before = RECORDS[kind];
      expect(judge({ kind, recordId: before.id as string, creation: false, before, after: { ...before, [field]: value } }), `${kind}.${field}`).toMatch(new RegExp(`^invalid_record: .*keep its ${field}`));
    }
    const electronic = { id: seal.id, name: seal.name, kind: seal.kind, unitId: seal.unitId, custodianId: seal.custodianId, createdAt: seal.createdAt, form: 'electronic' };
    expect(judge({ kind: 'seal', recordId: seal.id, creation: false, before: seal, after: electronic })).toMatch(/keep its form/);
  });

  it('lets what may change change: a seal\'s name and custodian, a device\'s binding', () => {
    expect(judge({ kind: 'seal', recordId: seal.id, creation: false, before: seal, after: { ...seal, name: '新名', custodianId: 'admin' } })).toBe('ok');
    expect(judge({ kind: 'device', recordId: device.id, creation: false, before: device, after: { ...device, state: 'bound', sealId: seal.id } })).toBe('ok');
  });
});
