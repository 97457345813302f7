/**
 * The zh-CN dictionary follows docs/glossary.md: none of the words the glossary rejects, 您 and
 * never 你, and no English word in capitals beyond the file types and product names it allows.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicVerifyZhCN } from '../../app/src/i18n/publicVerify.zh-CN';
import { zhCN } from '../../app/src/i18n/zh-CN';

const glossary = readFileSync(join(import.meta.dirname, '../../docs/glossary.md'), 'utf8');

/** The words the glossary's "Not used in zh-CN" section lists (`- \`word\`: reason`). */
function rejectedWords(): string[] {
  const section = glossary.split(/^## /m).find((part) => part.startsWith('Not used in zh-CN'));
  if (section === undefined) throw new Error('docs/glossary.md has no "Not used in zh-CN" section');
  return [...section.matchAll(/^- `([^`]+)`/gm)].map((m) => m[1]!);
}

/** The English words the glossary allows on Chinese screens. */
const ALLOWED = new Set(['PDF', 'JPEG', 'PNG', 'MB', 'Excel', 'Chrome', 'Edge', 'Firefox', 'Safari', 'Android', 'Windows', 'ChromeOS', 'iOS', 'iPadOS']);

/**
 * Codes shown letter for letter (what is printed on paper, typed, or set in another system),
 * which are not words: the glossary lists them too.
 */
const VERBATIM: Readonly<Record<string, readonly string[]>> = {
  'join.codeHint': ['KQ2-M9XD'],
  'publicVerify.codeHint': ['ABXJ-KP5N-SHC', 'SEALCTL', 'REQ'],
  'publicVerify.invalid.mistyped': ['O', 'I', 'L'],
  'webhooks.signatureHint': ['HMAC-SHA256'],
};

/** Every text of a dictionary with its key path. */
function texts(node: unknown, path = ''): [string, string][] {
  if (typeof node === 'string') return [[path, node]];
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) => texts(value, path === '' ? key : `${path}.${key}`));
}

const screens = [...texts(zhCN), ...texts(publicVerifyZhCN, 'publicVerify')];

describe('the zh-CN dictionary follows the glossary', () => {
  it('lists the rejected words (the test reads them from docs/glossary.md)', () => {
    expect(rejectedWords()).toEqual(expect.arrayContaining(['你', '设备授权', '用印审批', 'JSON']));
  });

  it('uses none of the rejected words', () => {
    const found = screens.flatMap(([key, text]) => rejectedWords().filter((word) => text.includes(word)).map((word) => `${key}: ${word} in "${text}"`));
    expect(found).toEqual([]);
  });

  it('shows no English word in capitals but the file types and product names the glossary allows', () => {
    // Placeholders ({{ name }}) are filled with data, not words of ours: they are left out.
    const found = screens.flatMap(([key, text]) =>
      [...text.replace(/\{\{[^}]*\}\}/g, '').matchAll(/[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*/g)]
        .map((m) => m[0])
        .filter((word) => /[A-Z]/.test(word[0]!) && !ALLOWED.has(word) && !(VERBATIM[key] ?? []).includes(word))
        .map((word) => `${key}: ${word}`),
    );
    expect(found).toEqual([]);
  });
});
