/**
 * Bounds on untrusted JSON, the same for app, server and device. No record or request this
 * project defines nests deeper than about ten levels (a push: rows → row → grant → decisions →
 * assertion); 32 leaves room for growth and keeps every recursive step after parsing (schemas,
 * canonical hashing) far from the stack's end.
 */
export const JSON_LIMITS = {
  /** Containers (objects and arrays) inside one another; a top-level `{}` is depth 1. */
  maxDepth: 32,
} as const;

export interface JsonLimits {
  readonly maxDepth: number;
}
