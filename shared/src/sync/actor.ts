import { toHex } from '../encoding/base64url';
import { sha256 } from '../encoding/canonical';

/** Hex characters of an actor id that name its user: the first 16 bytes of SHA-256(userId). */
const ACTOR_USER_HEX = 32;
/** Hex characters of an actor id that name one replica (one open store) of that user. */
const ACTOR_REPLICA_HEX = 16;

/**
 * The part of an Automerge actor id that ties a change to its author: hex of the first 16 bytes
 * of SHA-256(userId). The server decodes each pushed change and refuses it unless its actor
 * starts with the session user's prefix, so nobody can push a change in someone else's name.
 */
export async function actorPrefix(userId: string): Promise<string> {
  return toHex(await sha256(new TextEncoder().encode(userId))).slice(0, ACTOR_USER_HEX);
}

/** A fresh actor id for one replica of a user: their prefix and 8 random bytes. */
export async function newActorId(userId: string): Promise<string> {
  return (await actorPrefix(userId)) + toHex(crypto.getRandomValues(new Uint8Array(ACTOR_REPLICA_HEX / 2)));
}

/** Whether an Automerge actor id belongs to the user with this prefix. */
export const isActorOf = (actor: string, prefix: string): boolean =>
  actor.length === ACTOR_USER_HEX + ACTOR_REPLICA_HEX && actor.startsWith(prefix);
