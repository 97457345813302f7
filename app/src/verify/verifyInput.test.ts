import { describe, expect, it } from 'vitest';
import { readVerifyInput } from './verifyInput';

describe('readVerifyInput', () => {
  it('reads a code typed off paper, with spaces and in lower case', () => {
    expect(readVerifyInput(' k7q2 - 9xwm ')).toEqual({ kind: 'impression', code: 'K7Q2-9XWM' });
  });

  it("reads the code out of a stamped page's QR link", () => {
    expect(readVerifyInput('https://seal.example/verify?code=K7Q2-9XWM')).toEqual({ kind: 'impression', code: 'K7Q2-9XWM' });
    expect(readVerifyInput('https://seal.example/verify')).toEqual({ kind: 'invalid', reason: 'not_a_code' });
  });

  it("reads a process sheet's code as a physical stamp's request", () => {
    expect(readVerifyInput('SEALCTL:REQ:req-hz-0042')).toMatchObject({ kind: 'sheet', requestId: 'req-hz-0042', code: 'SEALCTL:REQ:req-hz-0042' });
  });

  it('refuses what no code can be', () => {
    expect(readVerifyInput('   ')).toEqual({ kind: 'invalid', reason: 'empty' });
    expect(readVerifyInput('hello world!')).toEqual({ kind: 'invalid', reason: 'not_a_code' });
    expect(readVerifyInput('SEALCTL:REQ:')).toEqual({ kind: 'invalid', reason: 'not_a_code' });
    expect(readVerifyInput('<script>')).toEqual({ kind: 'invalid', reason: 'not_a_code' });
  });
});
