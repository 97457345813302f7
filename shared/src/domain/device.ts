import { z } from 'zod';
import { p256PublicJwkSchema } from '../crypto/p256PublicJwk';
import { deviceIdSchema, sealIdSchema, unitIdSchema } from './ids';
import { millisSchema } from './primitives';

/**
 * Where a smart-seal device is in its life: `provisioned` (has its identity key, no seal yet),
 * `bound` (a seal is locked in it), `retired` (out of service for good), `lost`.
 */
/** Most characters of a device's name. */
export const DEVICE_NAME_MAX = 60;

export const deviceStateSchema = z.enum(['provisioned', 'bound', 'retired', 'lost']);
export type DeviceState = z.infer<typeof deviceStateSchema>;

/**
 * A smart-seal device (智能印章). Its identity key signs every log entry. The public key is stored
 * as a P-256 JWK with exactly `{kty, crv, x, y}` — the same one form the roster uses for passkeys
 * and the organisation key (`p256PublicJwkSchema`): WebCrypto imports it directly in browser, Node
 * and device alike, and its RFC 7638 thumbprint names it. A device is `bound` exactly when it
 * names a seal.
 */
export const deviceSchema = z
  .strictObject({
    id: deviceIdSchema,
    /** The manufacturer's serial number, as printed on the case. */
    serial: z.string().min(1).max(100),
    /**
     * What people call the device on site ("3号楼东侧合同章柜"), given by its custodian or an
     * admin; absent until given. No leading or trailing spaces, at most 60 characters.
     */
    name: z.string().min(1).max(DEVICE_NAME_MAX).refine((name) => name.trim() === name, 'expected no leading or trailing spaces').optional(),
    publicKeyJwk: p256PublicJwkSchema,
    unitId: unitIdSchema,
    state: deviceStateSchema,
    sealId: sealIdSchema.nullable(),
    provisionedAt: millisSchema,
  })
  .superRefine((device, ctx) => {
    if (device.state === 'bound' && device.sealId === null) {
      ctx.addIssue({ code: 'custom', path: ['sealId'], message: 'expected a seal id on a bound device, got null' });
    }
    if (device.state !== 'bound' && device.sealId !== null) {
      ctx.addIssue({ code: 'custom', path: ['sealId'], message: `expected no seal on a ${device.state} device, got "${device.sealId}"` });
    }
  });
export type Device = z.infer<typeof deviceSchema>;

/** How a device is named to people: its given name beside the serial printed on it, or the serial alone. */
export const deviceLabel = (device: Pick<Device, 'serial' | 'name'>): string => (device.name === undefined ? device.serial : `${device.name} · ${device.serial}`);
