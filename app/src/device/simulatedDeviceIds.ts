/** IndexedDB names of simulated devices start with this, then the device id. */
export const SIMULATED_DEVICE_DB_PREFIX = 'sealctl-simulated-';

/**
 * The ids of the simulated devices this browser keeps (one IndexedDB database each). Apart from
 * the simulated device itself, so that listing them does not load the reference device.
 */
export async function simulatedDeviceIds(): Promise<string[]> {
  const databases = typeof indexedDB.databases === 'function' ? await indexedDB.databases() : [];
  return databases.flatMap((d) => (d.name?.startsWith(SIMULATED_DEVICE_DB_PREFIX) ? [d.name.slice(SIMULATED_DEVICE_DB_PREFIX.length)] : [])).sort();
}
