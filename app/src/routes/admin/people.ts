import type { UserWithCredentials } from '@seal/shared';

/** When the person last signed in: the latest use of any of their passkeys (undefined: never). */
export function lastSignIn(person: Pick<UserWithCredentials, 'credentials'>): number | undefined {
  const uses = person.credentials.map((c) => c.lastUsedAt).filter((at): at is number => at !== undefined);
  return uses.length === 0 ? undefined : Math.max(...uses);
}
