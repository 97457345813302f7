import { z } from 'zod';
import { decisionSchema } from './decision';
import { grantIdSchema, requestIdSchema, sealIdSchema, userIdSchema } from './ids';
import { sha256HexSchema } from './primitives';
import { timeWindowSchema } from './useRequest';

/**
 * An electronic grant (电子印章授权): what lets one holder apply an ELECTRONIC seal — the
 * request's terms bound to the one document its approvers signed (`documentSha256`, the decision
 * payloads' `documentSha256`), with the approving decisions and their passkey assertions. No
 * device and no geofence: the app checks it offline against the signed roster, by the rule the
 * server applies (`judgeElectronicGrant`, `judgeImpression`; docs/adr/008-electronic-seal-signing.md).
 *
 * A separate fact kind (`electronic_grant`) beside the device grant (`grant`), so the physical
 * grant and the device protocol stay exactly as they were. Content-addressed (`id` is the
 * `contentId` of the rest) and deterministic: every replica assembling it from the same decisions
 * gets the same grant. Uses are counted per REQUEST across all its impressions, as for stamps.
 */
export const electronicGrantSchema = z.strictObject({
  id: grantIdSchema,
  form: z.literal('electronic'),
  requestId: requestIdSchema,
  sealId: sealIdSchema,
  holderId: userIdSchema,
  /** SHA-256 of the approved PDF: the only document the seal may be applied to under this grant. */
  documentSha256: sha256HexSchema,
  uses: z.int().positive(),
  window: timeWindowSchema,
  /** The approving decisions, sorted by id. */
  decisions: z.array(decisionSchema).min(1),
});
export type ElectronicGrant = z.infer<typeof electronicGrantSchema>;

/** An electronic grant before its content address is added. */
export type ElectronicGrantBody = Omit<ElectronicGrant, 'id'>;
