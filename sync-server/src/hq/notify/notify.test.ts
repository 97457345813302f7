import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isInternalAddress, refusedDestination } from './destination';
import { nextAfter } from './deliveryDispatcher';
import { secretBox } from './secretBox';
import { signDelivery } from './signDelivery';

describe('webhook destinations', () => {
  it('knows loopback, private, link-local and mapped addresses from public ones', () => {
    for (const internal of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fd00::1', '::ffff:127.0.0.1']) {
      expect(isInternalAddress(internal), internal).toBe(true);
    }
    for (const external of ['8.8.8.8', '203.0.113.9', '2001:4860:4860::8888', '::ffff:8.8.8.8']) expect(isInternalAddress(external), external).toBe(false);
  });

  it('refuses a URL naming an internal host unless allowed, and lets names through to the send-time check', () => {
    expect(refusedDestination(new URL('http://127.0.0.1:9000/hook'), false)).toMatch(/WEBHOOK_ALLOW_PRIVATE/);
    expect(refusedDestination(new URL('http://[::1]/hook'), false)).toMatch(/WEBHOOK_ALLOW_PRIVATE/);
    expect(refusedDestination(new URL('http://localhost/hook'), false)).toMatch(/WEBHOOK_ALLOW_PRIVATE/);
    expect(refusedDestination(new URL('http://127.0.0.1:9000/hook'), true)).toBeUndefined();
    expect(refusedDestination(new URL('https://oa.example.com/hook'), false)).toBeUndefined();
  });
});

describe('webhook signatures and secrets', () => {
  it('signs timestamp.body with HMAC-SHA256 as a receiver computes it', () => {
    const expected = createHmac('sha256', 'whsec_x').update('1700000000.{"id":"e1"}').digest('hex');
    expect(signDelivery('whsec_x', '1700000000', '{"id":"e1"}')).toBe(`sha256=${expected}`);
  });

  it('keeps a secret sealed: it opens for its own hook under the same key only', () => {
    const key = randomBytes(32);
    const box = secretBox(key);
    const sealed = box.seal('whk_1', 'whsec_secret');
    expect(sealed).not.toContain('whsec_secret');
    expect(box.open('whk_1', sealed)).toBe('whsec_secret');
    expect(box.open('whk_2', sealed)).toBeUndefined();
    expect(secretBox(randomBytes(32)).open('whk_1', sealed)).toBeUndefined();
  });
});

describe('webhook retries', () => {
  const settings = { keyPath: '', allowPrivateAddresses: false, retryBaseMs: 1000, maxAttempts: 4 };
  const failed = { statusCode: 500, error: null, durationMs: 1 };
  it('doubles the wait after each failure and stops at the cap; a 2xx ends it', () => {
    expect(nextAfter(failed, 1, settings, 0)).toEqual({ status: 'pending', nextAttemptAt: 1000 });
    expect(nextAfter(failed, 2, settings, 0)).toEqual({ status: 'pending', nextAttemptAt: 2000 });
    expect(nextAfter({ statusCode: null, error: 'ECONNREFUSED', durationMs: 1 }, 3, settings, 0)).toEqual({ status: 'pending', nextAttemptAt: 4000 });
    expect(nextAfter(failed, 4, settings, 0)).toEqual({ status: 'failed', nextAttemptAt: null });
    expect(nextAfter({ statusCode: 204, error: null, durationMs: 1 }, 1, settings, 0)).toEqual({ status: 'delivered', nextAttemptAt: null });
    expect(nextAfter({ statusCode: 302, error: null, durationMs: 1 }, 1, settings, 0).status).toBe('pending');
  });
});
