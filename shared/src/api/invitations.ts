import { z } from 'zod';
import { roleSchema } from '../domain/role';
import { recordIdParamSchema } from './ids';
import { credentialViewSchema, invitationViewSchema, userViewSchema } from './views';

/** The longest an invitation may stay open (hours). */
export const MAX_INVITATION_TTL_HOURS = 30 * 24;

export const createInvitationBodySchema = z.strictObject({
  unitId: recordIdParamSchema,
  roles: z.array(roleSchema).min(1).max(5).refine((r) => new Set(r).size === r.length, 'roles must not repeat'),
  note: z.string().trim().max(500).default('').describe('Who the invitation is for, shown to admins'),
  ttlHours: z.number().positive().max(MAX_INVITATION_TTL_HOURS).optional().describe('Defaults to INVITATION_TTL_HOURS (72)'),
});
export type NewInvitation = z.input<typeof createInvitationBodySchema>;

export const invitationCodeBodySchema = z.strictObject({ invitationCode: z.string().max(64) });
export const registerOptionsBodySchema = invitationCodeBodySchema.extend({ name: z.string().trim().min(1).max(200) });
/** An invitation is named by the SHA-256 of its code. */
export const invitationIdParamsSchema = z.strictObject({ id: z.string().regex(/^[0-9a-f]{64}$/) });

export const createInvitationResponseSchema = z.object({ invitation: invitationViewSchema, code: z.string().min(1).describe('Shown this once') });
export const invitationsResponseSchema = z.object({ invitations: z.array(invitationViewSchema) });
export const invitationResponseSchema = z.object({ invitation: invitationViewSchema });
export const registerVerifyResponseSchema = z.object({ user: userViewSchema, credential: credentialViewSchema });
