import { electronicGrantSchema, grantSchema, type ElectronicGrant, type Grant } from '@seal/shared';
import { z } from 'zod';

/** Why a grant file was not taken: not JSON, not a grant (with the first lines of why), or someone else's. */
export type GrantFileProblem = { readonly code: 'not_json' } | { readonly code: 'not_grant'; readonly detail: string } | { readonly code: 'not_yours' };

/**
 * Reads a grant imported from a file: it must be a grant (for a seal device, or an electronic
 * seal's: `form: "electronic"`), and one held by `holderId`.
 */
export function parseGrantFile(text: string, holderId: string): { ok: true; grant: Grant | ElectronicGrant } | { ok: false; problem: GrantFileProblem } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, problem: { code: 'not_json' } };
  }
  const electronic = typeof json === 'object' && json !== null && (json as { form?: unknown }).form === 'electronic';
  const parsed = electronic ? electronicGrantSchema.safeParse(json) : grantSchema.safeParse(json);
  if (!parsed.success) return { ok: false, problem: { code: 'not_grant', detail: z.prettifyError(parsed.error).split('\n').slice(0, 3).join(' ') } };
  if (parsed.data.holderId !== holderId) return { ok: false, problem: { code: 'not_yours' } };
  return { ok: true, grant: parsed.data };
}
