/**
 * In a browser, base64url (`shared/src/encoding/base64url.ts`) runs on the browser's own
 * `Uint8Array.fromBase64` / `toBase64` where it has them (attachment chunks, hundreds of KB, are
 * decoded on every upload). Checked in real Chromium against Node's own encoder: the same text
 * for the same bytes both ways, at every length around the native threshold and for whole
 * chunks; and what the browser's decoder would take but ours must not (whitespace, padding, `+`
 * and `/`, stray bits in the last character, a length of 4n+1) still refused. Decoding into a
 * place in a larger array (`setFromBase64`: an upload's body) writes those bytes there and
 * nothing else, and refuses the same texts.
 */
import { build } from 'esbuild';
import fc from 'fast-check';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let browser: Browser;
let page: Page;

type InPage = { b64: { fromBase64Url(text: string): Uint8Array; toBase64Url(bytes: Uint8Array): string; decodeBase64UrlInto(text: string, target: Uint8Array): number } };

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [new URL('../../shared/src/encoding/base64url.ts', import.meta.url).pathname],
    bundle: true, format: 'iife', globalName: 'b64', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent',
  });
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-dev-shm-usage'] });
  page = await browser.newPage();
  // Counts the browser's own decodes into an array (taken by the bundle as it loads): the tests
  // below show the native path was the one taken.
  await page.evaluate(() => {
    const proto = Uint8Array.prototype as unknown as { setFromBase64: (...args: unknown[]) => unknown };
    const native = proto.setFromBase64;
    (globalThis as unknown as { nativeDecodes: number }).nativeDecodes = 0;
    proto.setFromBase64 = function (this: Uint8Array, ...args: unknown[]) {
      (globalThis as unknown as { nativeDecodes: number }).nativeDecodes++;
      return native.apply(this, args);
    };
  });
  await page.addScriptTag({ content: bundle.outputFiles[0]!.text });
}, 60_000);
afterAll(async () => browser?.close());

/** Encodes each of `inputs` in the page and decodes the result there again: [text, bytes back] each. */
const roundTrips = (inputs: number[][]) => page.evaluate((all) => all.map((bytes) => {
  const { b64 } = globalThis as unknown as InPage;
  const text = b64.toBase64Url(Uint8Array.from(bytes));
  return [text, [...b64.fromBase64Url(text)]] as const;
}), inputs);

describe('base64url in the browser', () => {
  it('uses the browser\'s own base64 here (else this test checks nothing new)', async () => {
    expect(await page.evaluate(() => typeof (Uint8Array as unknown as { fromBase64?: unknown }).fromBase64)).toBe('function');
  });

  it('spells bytes as Node does and reads them back, at every length around the native threshold and for whole chunks', async () => {
    const lengths = [...Array.from({ length: 40 }, (_, i) => 236 + i), 0, 1, 2, 3, 1000, 128 * 1024, 128 * 1024 - 1, 200_001];
    const inputs = lengths.map((length, k) => Array.from({ length }, (_, i) => (i * 131 + k * 17) % 256));
    const answers = await roundTrips(inputs);
    answers.forEach(([text, back], k) => {
      expect(text, `length ${lengths[k]}`).toBe(Buffer.from(inputs[k]!).toString('base64url'));
      expect(back).toEqual(inputs[k]);
    });
    await fc.assert(fc.asyncProperty(fc.array(fc.uint8Array({ minLength: 200, maxLength: 3000 }), { minLength: 1, maxLength: 20 }), async (batch) => {
      const arrays = batch.map((bytes) => [...bytes]);
      const got = await roundTrips(arrays);
      got.forEach(([text, back], k) => {
        expect(text).toBe(Buffer.from(arrays[k]!).toString('base64url'));
        expect(back).toEqual(arrays[k]);
      });
    }), { numRuns: 20 });
  });

  it('refuses what the browser\'s decoder would take but an encoder never writes', async () => {
    const good = Buffer.from(Array.from({ length: 1001 }, (_, i) => (i * 7) % 256)).toString('base64url');
    // 1001 bytes: 1335 characters, a 3-character tail whose last carries 2 unused bits.
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const strayBits = good.slice(0, -1) + alphabet[alphabet.indexOf(good.at(-1)!) | 1]!;
    const hostile = [`${good}=`, `${good.slice(0, 600)} ${good.slice(600)}`, `${good.slice(0, 600)}\n${good.slice(600)}`, `${good.slice(0, 600)}+${good.slice(601)}`, `${good.slice(0, 600)}/${good.slice(601)}`, strayBits, `${good}AA`];
    expect(`${good}AA`.length % 4).toBe(1);
    const refused = await page.evaluate((texts) => texts.map((text) => {
      try {
        (globalThis as unknown as InPage).b64.fromBase64Url(text);
        return false;
      } catch {
        return true;
      }
    }), hostile);
    expect(refused).toEqual(hostile.map(() => true));
    expect(strayBits).not.toBe(good);
  });

  it('decodes into a place in a larger array with the browser\'s own decoder: the bytes there, nothing else touched', async () => {
    expect(await page.evaluate(() => typeof (Uint8Array.prototype as unknown as { setFromBase64?: unknown }).setFromBase64)).toBe('function');
    const lengths = [255, 256, 1000, 128 * 1024, 200_001];
    const inputs = lengths.map((length, k) => Buffer.from(Array.from({ length }, (_, i) => (i * 37 + k) % 256)).toString('base64url'));
    const good = inputs[2]!;
    const hostile = [`${good}=`, `${good.slice(0, 600)} ${good.slice(600)}`, `${good.slice(0, 600)}+${good.slice(601)}`, `${good}AAA`, `${good.slice(0, -1)}_`];
    expect(hostile.map((text) => text.length % 4)).toContain(1);
    const answers = await page.evaluate(({ texts, refused }) => {
      const { b64 } = globalThis as unknown as InPage;
      const placed = texts.map((text) => {
        const target = new Uint8Array(7 + text.length).fill(0xee);
        const written = b64.decodeBase64UrlInto(text, target.subarray(7));
        return { written, around: [...target.subarray(0, 7), ...target.subarray(7 + written)].every((b) => b === 0xee), bytes: Array.from(target.subarray(7, 7 + written)) };
      });
      const outcome = (text: string, room: number) => {
        const target = new Uint8Array(room).fill(0xee);
        try {
          b64.decodeBase64UrlInto(text, target);
          return 'written';
        } catch {
          return target.every((b) => b === 0xee) ? 'refused, nothing written' : 'refused, written';
        }
      };
      // Several chunks one after the other into an array of exactly their size (an upload's body).
      const chunks = texts.slice(1, 4);
      const body = new Uint8Array(chunks.reduce((sum, text) => sum + Math.floor((text.length * 3) / 4), 0));
      let at = 0;
      for (const text of chunks) at += b64.decodeBase64UrlInto(text, body.subarray(at));
      const native = (globalThis as unknown as { nativeDecodes: number }).nativeDecodes;
      return { placed, hostile: refused.map((text) => outcome(text, text.length)), tooShort: outcome(texts[3]!, 128 * 1024 - 1), exact: { at, size: body.length, bytes: Array.from(body) }, native };
    }, { texts: inputs, refused: hostile });
    expect(answers.native).toBeGreaterThanOrEqual(inputs.length + 3);
    expect(answers.exact.at).toBe(answers.exact.size);
    expect(Buffer.from(answers.exact.bytes)).toEqual(Buffer.concat(inputs.slice(1, 4).map((text) => Buffer.from(text, 'base64url'))));
    answers.placed.forEach(({ written, around, bytes }, k) => {
      expect(written, `length ${lengths[k]}`).toBe(lengths[k]);
      expect(around).toBe(true);
      expect(Buffer.from(bytes)).toEqual(Buffer.from(inputs[k]!, 'base64url'));
    });
    expect(answers.hostile).toEqual(hostile.map(() => 'refused, nothing written'));
    expect(answers.tooShort).toBe('refused, nothing written');
  });
});
