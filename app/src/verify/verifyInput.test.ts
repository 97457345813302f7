import { describe, expect, it } from 'vitest';
import { readVerifyInput } from './verifyInput';

// A code made by verificationCodeOf (11 characters, the last a check character over the others).
const CODE = 'ABXJKP5NSHC';

describe('readVerifyInput', () => {
  it('reads a code typed off paper, with spaces and dashes and in lower case', () => {
    expect(readVerifyInput(' abxj - kp5n shc ')).toEqual({ kind: 'impression', code: CODE });
  });

  it("reads the code out of a stamped page's QR link", () => {
    expect(readVerifyInput(`https://seal.example/verify?code=ABXJ-KP5N-SHC`)).toEqual({ kind: 'impression', code: CODE });
    expect(readVerifyInput('https://seal.example/verify')).toEqual({ kind: 'invalid', reason: 'not_a_code' });
  });

  it("reads a process sheet's code as a physical stamp's request", () => {
    expect(readVerifyInput('SEALCTL:REQ:req-hz-0042')).toMatchObject({ kind: 'sheet', requestId: 'req-hz-0042', code: 'SEALCTL:REQ:req-hz-0042' });
  });

  it('tells a mistyped code (one character wrong, two swapped) from what is no code at all', () => {
    expect(readVerifyInput('ABXJKP5NSHD')).toEqual({ kind: 'invalid', reason: 'mistyped' });
    expect(readVerifyInput('BAXJKP5NSHC')).toEqual({ kind: 'invalid', reason: 'mistyped' });
    expect(readVerifyInput('   ')).toEqual({ kind: 'invalid', reason: 'empty' });
    expect(readVerifyInput('hello world!')).toEqual({ kind: 'invalid', reason: 'not_a_code' });
    expect(readVerifyInput('SEALCTL:REQ:')).toEqual({ kind: 'invalid', reason: 'not_a_code' });
    expect(readVerifyInput('<script>')).toEqual({ kind: 'invalid', reason: 'not_a_code' });
  });
});
