import { SealDeviceError, TransportError } from '@seal/device-bridge';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/ApiError';
import { en } from '../i18n/en';
import type { Translate } from '../i18n/I18nProvider';
import { zhCN } from '../i18n/zh-CN';
import { StoreError } from '../store/StoreError';
import { bluetoothSupport } from './bluetoothSupport';
import { describeRegistrationError, RegistrationRefusal, registrationErrorCode, registrationProblem, type RegistrationProblem } from './registrationError';

/** A translator over one dictionary, as the provider's (no interpolation needed here). */
const translator = (dictionary: object): Translate =>
  ((key: string) => key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], dictionary)) as unknown as Translate;

const PROBLEMS: readonly RegistrationProblem[] = ['cancelled', 'bluetooth_unavailable', 'bluetooth_off', 'not_seal', 'not_provisioned', 'already_registered', 'no_permission', 'connection_lost', 'no_store'];

describe('registrationProblem', () => {
  it.each([
    [new TransportError('permission_denied', 'chooser closed'), 'cancelled'],
    [new TransportError('bluetooth_unavailable', 'no navigator.bluetooth'), 'bluetooth_unavailable'],
    [new TransportError('bluetooth_off', 'adapter off'), 'bluetooth_off'],
    [new TransportError('device_not_found', 'No Services matching UUID'), 'not_seal'],
    [new SealDeviceError('bad_reply', 'reply does not decode'), 'not_seal'],
    [new TransportError('disconnected', 'link dropped'), 'connection_lost'],
    [new SealDeviceError('timeout', 'no answer'), 'connection_lost'],
    [new TransportError('gatt_error', 'GATT operation failed'), 'connection_lost'],
    [new StoreError('record_exists', 'device:dev-1 is held'), 'already_registered'],
    [new StoreError('closed', 'store closed'), 'no_store'],
    [new ApiError({ status: 403, code: 'forbidden', message: 'no', cause: undefined }), 'no_permission'],
    [new RegistrationRefusal('not_provisioned', 'no id'), 'not_provisioned'],
  ] as const)('%s is "%s"', (error, problem) => {
    expect(registrationProblem(error)).toBe(problem);
    expect(registrationErrorCode(error)).toBe(problem);
  });

  it('leaves other failures to the app’s usual words and codes', () => {
    const offline = new ApiError({ status: 0, code: 'offline', message: 'offline', cause: undefined });
    expect(registrationProblem(offline)).toBeUndefined();
    expect(registrationErrorCode(offline)).toBe('offline');
    expect(registrationProblem(new Error('boom'))).toBeUndefined();
    expect(registrationErrorCode(new Error('boom'))).toBe('unknown');
    expect(describeRegistrationError(translator(en), offline)).toBe(en.errors.offline);
  });

  it('says every problem in both languages; the Chinese addresses the reader as 您, never 你', () => {
    for (const problem of PROBLEMS) {
      const error = new RegistrationRefusal(problem, problem);
      const english = describeRegistrationError(translator(en), error);
      const chinese = describeRegistrationError(translator(zhCN), error);
      expect(english, problem).toBe(en.devices.registerErrors[problem]);
      expect(chinese, problem).toBe(zhCN.devices.registerErrors[problem]);
      expect(english.length, problem).toBeGreaterThan(20);
      expect(chinese, problem).not.toMatch(/你/);
    }
    expect(Object.keys(zhCN.devices.registerErrors).sort()).toEqual([...PROBLEMS].sort());
  });
});

describe('bluetoothSupport', () => {
  it('tells an insecure address from a browser without Web Bluetooth', () => {
    expect(bluetoothSupport({ hasBluetooth: true, secure: true })).toBe('available');
    expect(bluetoothSupport({ hasBluetooth: false, secure: true })).toBe('unsupported');
    expect(bluetoothSupport({ hasBluetooth: false, secure: false })).toBe('insecure');
  });
});
