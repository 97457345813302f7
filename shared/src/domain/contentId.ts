import { hashRecordHex } from '../encoding/canonical';

/**
 * The content address of a fact: the lowercase hex SHA-256 of its canonical JSON (RFC 8785),
 * computed over the fact WITHOUT its `id`. Any replica that builds the same fact gets the same
 * id; a second body under an id is therefore always a conflict, never a legitimate update.
 */
export async function contentId(body: object): Promise<string> {
  if ('id' in body) throw new TypeError('contentId hashes a fact without its id: remove the `id` field first');
  return hashRecordHex(body);
}

/** Adds the content address to a fact body (see {@link contentId}). */
export async function withContentId<T extends object>(body: T): Promise<T & { id: string }> {
  return { ...body, id: await contentId(body) };
}
