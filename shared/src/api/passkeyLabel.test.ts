import { describe, expect, it } from 'vitest';
import { defaultPasskeyLabel, passkeyLabelSchema } from './auth';

describe('passkey labels', () => {
  it('default to a neutral, numbered, bilingual name', () => {
    expect(defaultPasskeyLabel(1)).toBe('Passkey · 通行密钥 1');
    expect(defaultPasskeyLabel(3)).toBe('Passkey · 通行密钥 3');
  });

  it('accept a trimmed label of up to 100 characters, or none', () => {
    expect(passkeyLabelSchema.parse('  Site tablet ')).toBe('Site tablet');
    expect(passkeyLabelSchema.parse(undefined)).toBeUndefined();
    expect(passkeyLabelSchema.safeParse('x'.repeat(101)).success).toBe(false);
  });
});
