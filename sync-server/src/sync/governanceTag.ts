/** How every governance tag begins: a pushed move may not carry it (`validateFact`). */
export const GOVERNANCE_TAG_START = '[governance ';

/** The tag a lifecycle change carries in its reason: which governance request made it (the server writes it). */
export const governanceTag = (requestId: string): string => `${GOVERNANCE_TAG_START}${requestId}]`;
