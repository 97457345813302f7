import { connectWebBluetooth, SealDeviceClient, type DeviceInfo, type Transport } from '@seal/device-bridge';
import { jwkThumbprint, type DeviceId } from '@seal/shared';
import { RegistrationRefusal } from './registrationError';

/** What a seal device says it is, read before it is registered. */
export interface DeviceIdentity {
  /** The whole `info` answer, as `registerDevice` takes it. */
  readonly info: DeviceInfo;
  /** Its id (the serial on its label), set when it was provisioned. */
  readonly deviceId: DeviceId;
  /** The RFC 7638 thumbprint of its public key: the key that signs its log. */
  readonly keyId: string;
}

/** The step the reading is at, for the progress shown. */
export type IdentityStep = 'connecting' | 'reading';

/**
 * The Web Bluetooth link the stamping screen uses: the browser's chooser (seal devices only),
 * then one connection. No reconnecting behind the person's back: a link lost while reading
 * fails the reading, and they try again.
 */
export const chooseOverBluetooth = (): Promise<Transport> => connectWebBluetooth({ autoReconnect: false });

/**
 * Connects (`open`: by default the chooser), asks the device `info` — what any seal answers
 * before it is registered, even before it is provisioned (PROTOCOL.md §4) — and lets the link
 * go. A device that has no id yet (never provisioned) cannot be registered.
 */
export async function readDeviceIdentity(open: () => Promise<Transport> = chooseOverBluetooth, onStep: (step: IdentityStep) => void = () => undefined): Promise<DeviceIdentity> {
  onStep('connecting');
  const transport = await open();
  try {
    onStep('reading');
    const info = await new SealDeviceClient(transport).info();
    if (info.deviceId === null) throw new RegistrationRefusal('not_provisioned', 'the seal device has no id yet: it was never provisioned');
    return { info, deviceId: info.deviceId, keyId: await jwkThumbprint(info.publicKey) };
  } finally {
    await transport.close().catch(() => undefined);
  }
}
