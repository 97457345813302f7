/**
 * Who pushed a row from which replica, as one key: the row's author (the pushing user: a push
 * refuses rows authored by anyone else, and only a push records an origin) with the replica it
 * named. A replica id is the client's word, so a row is a replica's own only when its own user
 * pushed it from there too. Pulls leave a replica's own rows out, and so do its live hints.
 */
export const pushedBy = (userId: string, replica: string): string => `${userId}\n${replica}`;

/** Whether `row` (stored with `origin`) is the own row of `replica`, whose user is `userId`. */
export const isOwnRow = (row: { readonly author: string }, origin: string | undefined, userId: string, replica: string | undefined): boolean =>
  replica !== undefined && origin !== undefined && pushedBy(row.author, origin) === pushedBy(userId, replica);
