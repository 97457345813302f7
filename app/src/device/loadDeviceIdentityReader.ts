/**
 * The Bluetooth client that reads a seal device's identity for registration, loaded when the
 * registration panel is shown (never a static import: the first page carries no Bluetooth client).
 */
export function loadDeviceIdentityReader() {
  return import('./readDeviceIdentity');
}
