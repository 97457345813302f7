/**
 * Whether a PDF reads the same by its cross-reference table and front to back (`unambiguousPdf`),
 * for the screens that take a request's document. Loaded on demand (`import()`): the rule parses
 * with pdf-lib, which the first page must not carry.
 */
import { unambiguousPdf } from '@seal/shared';

export const isAmbiguousPdf = (bytes: Uint8Array): boolean => !unambiguousPdf(bytes).ok;
