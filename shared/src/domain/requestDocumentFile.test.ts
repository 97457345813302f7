import { describe, expect, it } from 'vitest';
import { MAX_REQUEST_DOCUMENT_BYTES, requestDocumentProblem, sniffRequestDocumentType } from './requestDocumentFile';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('a request document file', () => {
  it('is told by its first bytes, not its name', () => {
    expect(sniffRequestDocumentType(ascii('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffRequestDocumentType(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0))).toBe('image/jpeg');
    expect(sniffRequestDocumentType(Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0))).toBe('image/png');
    expect(sniffRequestDocumentType(ascii('PK\u0003\u0004 a .docx'))).toBeUndefined();
    expect(sniffRequestDocumentType(ascii('%PD'))).toBeUndefined();
  });

  it('may be a PDF, JPEG or PNG of up to 20 MB, and nothing else', () => {
    const pdf = ascii('%PDF-1.4');
    expect(requestDocumentProblem({ mime: 'application/pdf', size: MAX_REQUEST_DOCUMENT_BYTES, head: pdf })).toBeUndefined();
    expect(MAX_REQUEST_DOCUMENT_BYTES).toBe(20 * 1024 * 1024);
    expect(requestDocumentProblem({ mime: 'application/pdf', size: MAX_REQUEST_DOCUMENT_BYTES + 1, head: pdf })).toBe('size');
    expect(requestDocumentProblem({ mime: 'application/pdf', size: 0, head: pdf })).toBe('size');
    // A Word file renamed .pdf, and a PDF declared as a photo: the bytes decide.
    expect(requestDocumentProblem({ mime: 'application/pdf', size: 100, head: ascii('PK\u0003\u0004') })).toBe('type');
    expect(requestDocumentProblem({ mime: 'image/jpeg', size: 100, head: pdf })).toBe('type');
    expect(requestDocumentProblem({ mime: 'image/webp', size: 100, head: ascii('RIFF....WEBP') })).toBe('type');
  });
});
