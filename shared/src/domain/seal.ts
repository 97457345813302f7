import { z } from 'zod';
import { antiCounterfeitCodeSchema } from './antiCounterfeitCode';
import { deviceIdSchema, sealIdSchema, unitIdSchema, userIdSchema } from './ids';
import { millisSchema } from './primitives';

/**
 * What a seal is for: 公章 official, 合同专用章 contract, 财务专用章 finance, 法定代表人章 the
 * legal representative's seal, 发票专用章 invoice, and a person's own seal (个人章).
 */
export const sealKindSchema = z.enum(['official', 'contract', 'finance', 'legal_rep', 'invoice', 'personal']);
export type SealKind = z.infer<typeof sealKindSchema>;
export const SEAL_KINDS: readonly SealKind[] = sealKindSchema.options;

/** A physical seal locked in a smart-seal device, or an electronic seal stamped onto PDFs. */
export const sealFormSchema = z.enum(['physical', 'electronic']);
export type SealForm = z.infer<typeof sealFormSchema>;

/**
 * Where a seal is in its life cycle. Only `active` seals may be used. `destroyed` is terminal;
 * see `SEAL_TRANSITIONS` for how a seal moves between states.
 * - `suspended` 暂停使用 — withdrawn for a while (audit, dispute, custodian change); may resume.
 * - `lost` 遗失 — reported missing (a device may still use it offline: that shows as an anomaly).
 * - `confiscated` 收缴 — taken back by HQ or the authorities.
 * - `revoked` 作废 — permanently out of service, awaiting destruction.
 * - `destroyed` 销毁 — physically destroyed (or, for an electronic seal, its key material erased).
 */
export const sealStatusSchema = z.enum(['active', 'suspended', 'lost', 'confiscated', 'revoked', 'destroyed']);
export type SealStatus = z.infer<typeof sealStatusSchema>;
export const SEAL_STATUSES: readonly SealStatus[] = sealStatusSchema.options;

const sealBase = {
  id: sealIdSchema,
  /** The name engraved on the seal, e.g. "某某建设集团有限公司合同专用章". */
  name: z.string().min(1).max(200),
  kind: sealKindSchema,
  /** The unit that owns the seal: it serves that unit's subtree. */
  unitId: unitIdSchema,
  /** The user responsible for the seal (its 印章管理员). */
  custodianId: userIdSchema,
  /** The current state, a projection of the seal's lifecycle changes. */
  status: sealStatusSchema,
  createdAt: millisSchema,
};

/** A physical seal: it carries its anti-counterfeit code and, once bound, its device. */
export const physicalSealSchema = z.strictObject({
  ...sealBase,
  form: z.literal('physical'),
  antiCounterfeitCode: antiCounterfeitCodeSchema,
  /** The smart-seal device it is locked in; `null` until bound. */
  deviceId: deviceIdSchema.nullable(),
});
export type PhysicalSeal = z.infer<typeof physicalSealSchema>;

/** An electronic seal: drawn and stamped by the app; the code, when it has one, is drawn on it. */
export const electronicSealSchema = z.strictObject({
  ...sealBase,
  form: z.literal('electronic'),
  antiCounterfeitCode: antiCounterfeitCodeSchema.optional(),
});
export type ElectronicSeal = z.infer<typeof electronicSealSchema>;

/** A seal, physical or electronic (discriminated by `form`). */
export const sealSchema = z.discriminatedUnion('form', [physicalSealSchema, electronicSealSchema]);
export type Seal = z.infer<typeof sealSchema>;
