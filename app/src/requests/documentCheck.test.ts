import { describe, expect, it } from 'vitest';
import { approvalHold, pageCountMismatch } from './documentCheck';

describe('approving on the document seen', () => {
  it('is offered only when the bytes were fetched and hash to the request', () => {
    expect(approvalHold({ state: 'verified' })).toBeUndefined();
    expect(approvalHold({ state: 'mismatch' })).toBe('document_mismatch');
    expect(approvalHold({ state: 'ambiguous' })).toBe('document_ambiguous');
    expect(approvalHold({ state: 'loading' })).toBe('document_loading');
    // Not here yet, or no attachment at all: nothing was seen, nothing is signed.
    expect(approvalHold({ state: 'not_yet' })).toBe('document_missing');
    expect(approvalHold({ state: 'none' })).toBe('document_missing');
  });

  it('flags a stated page count the file contradicts, and only then', () => {
    expect(pageCountMismatch(4, { state: 'verified', pages: 5 })).toEqual({ stated: 4, actual: 5 });
    expect(pageCountMismatch(5, { state: 'verified', pages: 5 })).toBeUndefined();
    // An image, or a file PDF.js could not open: nothing to compare.
    expect(pageCountMismatch(4, { state: 'verified' })).toBeUndefined();
  });
});
