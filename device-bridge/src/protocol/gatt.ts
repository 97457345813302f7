/**
 * The smart-seal GATT service. The tablet writes command frames to `control` and reads reply
 * frames from `reply` (one read per frame); `hint` may notify that a reply is waiting, but the
 * protocol never depends on it (Chromium's Bluetooth emulation cannot push notifications, and
 * real links drop them). See device-bridge/PROTOCOL.md.
 */
export const SEAL_GATT = {
  service: '5ea10000-8f3a-4c1e-9b6d-2a7c0e51d001',
  /** Write (with or without response): command frames from the tablet. */
  control: '5ea10001-8f3a-4c1e-9b6d-2a7c0e51d001',
  /** Read: the next reply frame (empty value when nothing is waiting). */
  reply: '5ea10002-8f3a-4c1e-9b6d-2a7c0e51d001',
  /** Notify (optional hint): "a reply is waiting". Carries no data the protocol needs. */
  hint: '5ea10003-8f3a-4c1e-9b6d-2a7c0e51d001',
} as const;

/** ATT payload of the default MTU (23 − 3 bytes of ATT header). */
export const DEFAULT_FRAME_SIZE = 20;
