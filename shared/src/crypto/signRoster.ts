import { z } from 'zod';
import { err, ok, type Refusal, type Result } from '../result';
import { rosterSchema, type Roster, type SignedRoster } from './roster';
import { signRecord } from './signRecord';

/**
 * Signs a roster with the organisation's private key, after checking it against
 * {@link rosterSchema} (`malformed_roster` with the reasons otherwise). What is signed is the
 * schema's output, so members the schema does not know are dropped rather than signed unseen.
 * `roster.orgKeyId` must be the thumbprint of this key's public half; holders check it.
 */
export async function signRoster(privateKey: CryptoKey, roster: Roster): Promise<Result<SignedRoster, Refusal<'malformed_roster'>>> {
  const parsed = rosterSchema.safeParse(roster);
  if (!parsed.success) return err({ code: 'malformed_roster', message: `Roster is not valid:\n${z.prettifyError(parsed.error)}` });
  return ok({ roster: parsed.data, signature: await signRecord(privateKey, parsed.data) });
}
