/**
 * Whether this browser can reach a seal device over Web Bluetooth, told apart so the screen can
 * say why not: Web Bluetooth exists only on a secure origin (https or localhost), and not at all
 * in Firefox or in any browser on iOS/iPadOS. Read without loading the Bluetooth client.
 */
export type BluetoothSupport = 'available' | 'insecure' | 'unsupported';

export function bluetoothSupport(env: { readonly hasBluetooth: boolean; readonly secure: boolean }): BluetoothSupport {
  if (env.hasBluetooth) return 'available';
  // Chromium hides navigator.bluetooth on an insecure origin: the address is the cause, not the browser.
  return env.secure ? 'unsupported' : 'insecure';
}

/** This page's Web Bluetooth support. */
export function browserBluetoothSupport(): BluetoothSupport {
  const nav = typeof navigator === 'undefined' ? undefined : (navigator as Navigator & { bluetooth?: unknown });
  return bluetoothSupport({ hasBluetooth: nav?.bluetooth !== undefined && nav.bluetooth !== null, secure: typeof window === 'undefined' || window.isSecureContext });
}
