import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isInternalAddress, refusedDestination } from './destination';
import { nextAfter } from './deliveryDispatcher';
import { oneNoticePerBatteryDevice, type NotifyEvent } from './notifyEvents';
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

describe('in-app notices of a push', () => {
  const notice = (id: string, alarmKind: string | null, unitId: string, at: number, kind: 'alarm' | 'stamp' = 'alarm'): NotifyEvent => ({
    event: { id, kind, alarmKind, at, unitId, sealId: null, deviceId: id.split(':')[id.startsWith('fact:alarm:') ? 3 : 2]!, requestId: null, summary: `entry ${id}` } as NotifyEvent['event'],
    named: [],
    toScope: kind === 'alarm',
  });

  it('makes the low-battery readings of one device in one unit one notice, the latest reading\'s; every other notice stays as it is, in order', () => {
    const notices = [
      notice('fact:device_event:dev-a:7', 'low_battery', 'site-1', 7),
      notice('fact:device_event:dev-a:3', 'tamper', 'site-1', 3),
      notice('fact:device_event:dev-a:5', 'low_battery', 'site-1', 5),
      notice('fact:device_event:dev-b:2', 'low_battery', 'site-2', 2),
      notice('fact:alarm:log_gap:dev-a:4', 'log_gap', 'site-1', 9),
      notice('fact:alarm:low_battery:dev-a:1', 'low_battery', 'site-1', 10),
      notice('fact:device_event:dev-a:9', 'tamper', 'site-1', 9),
      notice('fact:device_event:dev-a:6', 'low_battery', 'site-1', 6),
      notice('fact:device_event:dev-c:1', null, 'site-1', 1, 'stamp'),
    ];
    const told = oneNoticePerBatteryDevice(notices);
    expect(told.map((n) => n.event.id)).toEqual([
      // dev-a's three readings, where the first of them stood: the latest (seq 7), with its time.
      'fact:device_event:dev-a:7',
      // Each tamper is its own, with its own time.
      'fact:device_event:dev-a:3',
      // Another device's single reading, as it was.
      'fact:device_event:dev-b:2',
      // Rows the server made are not readings.
      'fact:alarm:log_gap:dev-a:4',
      'fact:alarm:low_battery:dev-a:1',
      'fact:device_event:dev-a:9',
      'fact:device_event:dev-c:1',
    ]);
    expect(told[0]!.event).toMatchObject({ at: 7, alarmKind: 'low_battery', deviceId: 'dev-a', unitId: 'site-1' });
    expect(told[0]!.event.summary).toBe('device dev-a reported low battery 3 times (entries 5, 6, 7); the latest at entry 7');
    expect(told[1]!.event).toEqual(notices[1]!.event);
    expect(told[2]!.event).toEqual(notices[3]!.event);
  });

  it('keeps one device\'s readings in two units apart, and names many readings briefly', () => {
    const many = Array.from({ length: 400 }, (_, i) => notice(`fact:device_event:dev-a:${i + 1}`, 'low_battery', i % 2 === 0 ? 'site-1' : 'site-2', 1_000 + i));
    const told = oneNoticePerBatteryDevice(many);
    expect(told.map((n) => [n.event.id, n.event.unitId])).toEqual([['fact:device_event:dev-a:399', 'site-1'], ['fact:device_event:dev-a:400', 'site-2']]);
    expect(told[0]!.event.summary).toBe('device dev-a reported low battery 200 times (entries 1, 3, 5, 7, 9 and 195 more, to 399); the latest at entry 399');
  });
});
