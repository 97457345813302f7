/**
 * The demo's simulated device (the reference device, its IndexedDB flash and provisioning),
 * loaded only when someone chooses it. Every screen reaches it through this dynamic import, never
 * a static one: a static import anywhere puts the whole reference device on the first page's
 * critical path (modulepreloaded with the entry), and tablets with a real seal never need it.
 * The chunk is precached by the service worker all the same, so the demo works offline.
 */
export function loadSimulatedDevice() {
  return import('./simulatedDevice');
}
