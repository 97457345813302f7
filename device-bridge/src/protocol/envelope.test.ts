import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCbor } from './cbor';
import { DEVICE_CODES } from './codes';
import { decodeCommand, decodeReply, encodeCommand, encodeErrorReply, encodeOkReply } from './envelope';

describe('envelope', () => {
  it('round-trips commands and replies', () => {
    const bytes = encodeCommand('read_log', { fromSeq: 5, max: 3 });
    expect(decodeCommand(bytes)).toEqual({ ok: true, name: 'read_log', body: { fromSeq: 5, max: 3 } });
    expect(decodeReply('unlock', encodeOkReply('unlock', { usesLeft: 2, seq: 40 }))).toEqual({ ok: true, body: { usesLeft: 2, seq: 40 } });
    expect(decodeReply('unlock', encodeErrorReply('uses_exhausted', { message: 'no', seq: 9 }))).toEqual({ ok: false, code: 'uses_exhausted', status: 0x35, body: { message: 'no', seq: 9 } });
  });

  it('sends times as CBOR unsigned integers (uint64), not floats', () => {
    const bytes = encodeOkReply('nonce', { nonce: new Uint8Array(16), expiresAt: 1_767_225_600_000 });
    expect(Buffer.from(bytes).toString('hex')).toContain('1b0000019b76daa800');
  });

  it('refuses an unknown version, with the versions it speaks', () => {
    expect(decodeCommand(encodeCbor([2, 1, new Map()]))).toMatchObject({ ok: false, code: 'unsupported_version', body: { supportedVersions: [1] } });
  });

  it('refuses an unknown op and a malformed body, naming the field', () => {
    expect(decodeCommand(encodeCbor([1, 0x7e, new Map()]))).toMatchObject({ ok: false, code: 'unknown_command' });
    const wrongType = decodeCommand(encodeCbor([1, 6, new Map([[0, 'x']])]));
    expect(wrongType).toMatchObject({ ok: false, code: 'bad_message' });
    expect(wrongType.ok ? '' : wrongType.message).toContain('read_log.fromSeq');
    const missing = decodeCommand(encodeCbor([1, 6, new Map()]));
    expect(missing.ok ? '' : missing.message).toContain('missing');
  });

  it('never throws on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const decoded = decodeCommand(bytes);
        expect(typeof decoded.ok).toBe('boolean');
        expect(typeof decodeReply('status', bytes).ok).toBe('boolean');
      }),
    );
  });

  it('an error reply carries well-formed UTF-8: a lone surrogate becomes U+FFFD, the 200-character cut never halves an emoji', () => {
    const messageOf = (bytes: Uint8Array) => {
      const reply = decodeReply('unlock', bytes);
      return reply.ok ? null : reply.body.message;
    };
    // cbor-x would write a lone surrogate as the three bytes ed a0 80, which are not UTF-8.
    const lone = encodeErrorReply('holder_assertion_invalid', { message: 'type "\ud800"' });
    expect(Buffer.from(lone).toString('hex')).not.toContain('eda080');
    expect(messageOf(lone)).toBe('type "\ufffd"');
    expect(messageOf(encodeErrorReply('holder_assertion_invalid', { message: `${'x'.repeat(199)}😀` }))).toBe('x'.repeat(199));
    expect(messageOf(encodeErrorReply('holder_assertion_invalid', { message: `${'x'.repeat(198)}😀` }))).toBe(`${'x'.repeat(198)}😀`);
  });

  it('numbers its codes uniquely', () => {
    const numbers = Object.values(DEVICE_CODES);
    expect(new Set(numbers).size).toBe(numbers.length);
  });
});
