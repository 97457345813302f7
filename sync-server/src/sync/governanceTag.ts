/** The governance tag of a lifecycle change's reason: one rule in `shared` (the app reads reasons without it). */
export { GOVERNANCE_TAG_START, governanceTag } from '@seal/shared';
