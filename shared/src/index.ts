/**
 * The Seal Control domain: types and schemas, lifecycles, policy, derived workflow state,
 * canonical encoding and hashing, signatures. Pure: no I/O, no DOM-only and no Node-only API.
 */
export {};
