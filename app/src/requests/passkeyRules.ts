/**
 * The shared rules that verify passkey signatures (decisions, grants), loaded on demand: they
 * bring CBOR decoding and the WebAuthn checks (~13 KB gzip) that the first page does not need
 * (tests/unit/initialJs.test.ts holds the first page to its budget). Only the named exports are
 * bundled into this chunk (shared/ declares no side effects).
 */
export { issueElectronicGrant, issueGrant, judgeElectronicGrant, judgeGrant, verifyAssertionWithRoster } from '@seal/shared';
