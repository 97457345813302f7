import { z } from 'zod';
import { deviceSchema } from '../domain/device';
import { unitIdSchema, userIdSchema } from '../domain/ids';
import { electronicSealSchema, physicalSealSchema } from '../domain/seal';
import { useRequestSchema } from '../domain/useRequest';
import type { Action } from '../policy/action';
import type { RecordKind } from './kinds';

/**
 * A seal's mutable fields, as its Automerge document holds them: everything but `status`, which
 * is derived from the seal's lifecycle facts (`sealStatusTimeline`) and never edited.
 */
export const sealRecordSchema = z.discriminatedUnion('form', [physicalSealSchema.omit({ status: true }), electronicSealSchema.omit({ status: true })]);
export type SealRecord = z.infer<typeof sealRecordSchema>;

/** A user's own profile: what they may edit about themselves. Roles are not here (server-authoritative). */
export const profileSchema = z.strictObject({
  id: userIdSchema,
  name: z.string().min(1).max(200),
  /** The user's home unit: the profile's scope. */
  unitId: unitIdSchema,
  phone: z.string().max(40).optional(),
  locale: z.enum(['zh-CN', 'en']).optional(),
});
export type Profile = z.infer<typeof profileSchema>;

/** The schema a record's merged document must satisfy after every change. */
export const recordSchemas = {
  seal: sealRecordSchema,
  device: deviceSchema,
  request: useRequestSchema,
  profile: profileSchema,
} as const satisfies Record<RecordKind, z.ZodType>;

/** The document type of a record kind. */
export type RecordOf<K extends RecordKind> = z.infer<(typeof recordSchemas)[K]>;

/**
 * The unit a record belongs to: its scope, fixed at creation (every record kind has a `unitId`).
 * Moving a record to another unit is not an edit: a new record is made there.
 */
export const scopeOfRecord = (record: { readonly unitId: string }): string => record.unitId;

/**
 * The action a change to a record needs (`can`), on creation and on later edits. Requests and
 * profiles have an extra rule the server adds: only the requester edits a request; a profile is
 * edited by its user (or an admin with `user.manage`).
 */
export const RECORD_ACTIONS: Readonly<Record<RecordKind, { readonly create: Action; readonly update: Action }>> = {
  seal: { create: 'seal.create', update: 'seal.update' },
  device: { create: 'device.provision', update: 'device.bind' },
  request: { create: 'request.create', update: 'request.create' },
  profile: { create: 'user.manage', update: 'user.manage' },
};
