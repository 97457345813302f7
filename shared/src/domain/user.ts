import { z } from 'zod';
import { userIdSchema, unitIdSchema } from './ids';
import { roleGrantSchema } from './role';

/**
 * A person with an account: a home unit and any number of role grants, each on a unit subtree.
 * A deactivated user (`active: false`) keeps the record (history names them) but may do nothing.
 */
export const userSchema = z.object({
  id: userIdSchema,
  name: z.string().min(1).max(200),
  unitId: unitIdSchema,
  grants: z.array(roleGrantSchema),
  active: z.boolean(),
});
export type User = z.infer<typeof userSchema>;
