/** How every governance tag begins: a pushed move may not carry it (the server judges pushed moves). */
export const GOVERNANCE_TAG_START = '[governance ';

/** The tag a lifecycle change carries in its reason: which governance request made it (the server writes it). */
export const governanceTag = (requestId: string): string => `${GOVERNANCE_TAG_START}${requestId}]`;

/**
 * A lifecycle change's reason as people read it: the words, and the governance request that made
 * the move when the server tagged it (`governanceTag`, at the end) — an id is not for reading.
 */
export function reasonWithoutTag(reason: string): { readonly text: string; readonly requestId: string | undefined } {
  const at = reason.lastIndexOf(GOVERNANCE_TAG_START);
  if (at === -1 || !reason.endsWith(']')) return { text: reason, requestId: undefined };
  return { text: reason.slice(0, at).trimEnd(), requestId: reason.slice(at + GOVERNANCE_TAG_START.length, -1) };
}
