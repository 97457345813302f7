import { createSealDevice, MemoryKeys, MemoryStorage, MemoryTransport, SealDeviceClient, SimulatedClock, SimulatedHardware, TransportError, type SealDevice } from '@seal/device-bridge';
import { asId, deviceIdSchema, generateOrgKeyPair, jwkThumbprint } from '@seal/shared';
import { describe, expect, it } from 'vitest';
import { readDeviceIdentity, type IdentityStep } from './readDeviceIdentity';
import { RegistrationRefusal, registrationProblem } from './registrationError';

const newDevice = (): Promise<SealDevice> =>
  createSealDevice({ storage: new MemoryStorage(), keys: new MemoryKeys(), clock: new SimulatedClock(Date.now()), hardware: new SimulatedHardware({ position: null, batteryPercent: 64 }) });

/** A provisioned seal device's link, and the link's transports as they were opened. */
async function provisioned(id: string): Promise<{ open: () => Promise<MemoryTransport>; opened: MemoryTransport[] }> {
  const device = await newDevice();
  const setup = new MemoryTransport(device.gatt, { frameSize: 185 });
  const org = await generateOrgKeyPair();
  await new SealDeviceClient(setup).provision(asId(deviceIdSchema, id), org.publicJwk);
  await setup.close();
  const opened: MemoryTransport[] = [];
  const open = () => {
    const transport = new MemoryTransport(device.gatt, { frameSize: 185 });
    opened.push(transport);
    return Promise.resolve(transport);
  };
  return { open, opened };
}

describe('readDeviceIdentity', () => {
  it("reads a provisioned device's id and public key (with its thumbprint), then lets the link go", async () => {
    const { open, opened } = await provisioned('dev-reg-0001');
    const steps: IdentityStep[] = [];
    const identity = await readDeviceIdentity(open, (step) => steps.push(step));
    expect(identity.deviceId).toBe('dev-reg-0001');
    expect(identity.info.deviceId).toBe('dev-reg-0001');
    expect(identity.info.publicKey).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(identity.keyId).toBe(await jwkThumbprint(identity.info.publicKey));
    expect(identity.info.batteryPercent).toBe(64);
    expect(steps).toEqual(['connecting', 'reading']);
    expect(opened).toHaveLength(1);
    expect(opened[0]!.connected).toBe(false);
  });

  it('refuses a device never provisioned (it has no id to register), and closes the link', async () => {
    const device = await newDevice();
    const transport = new MemoryTransport(device.gatt, { frameSize: 185 });
    const error = await readDeviceIdentity(() => Promise.resolve(transport)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistrationRefusal);
    expect(registrationProblem(error)).toBe('not_provisioned');
    expect(transport.connected).toBe(false);
  });

  it('fails with "connection lost" when the link drops during the reading and does not come back', async () => {
    const { open } = await provisioned('dev-reg-0002');
    const error = await readDeviceIdentity(async () => {
      const transport = await open();
      transport.drop();
      await transport.close();
      return transport;
    }).catch((e: unknown) => e);
    expect(registrationProblem(error)).toBe('connection_lost');
  });

  it('passes on a failed chooser as it is (the cancelled chooser is told as such)', async () => {
    const cancelled = new TransportError('permission_denied', 'The Bluetooth chooser was closed without choosing a seal device.');
    const error = await readDeviceIdentity(() => Promise.reject(cancelled)).catch((e: unknown) => e);
    expect(error).toBe(cancelled);
    expect(registrationProblem(error)).toBe('cancelled');
  });
});
