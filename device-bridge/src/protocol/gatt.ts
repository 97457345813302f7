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

/**
 * The device's side of the service: the handlers a peripheral runs for the three
 * characteristics. The reference device implements it (`SealDevice.gatt`); a transport or an
 * emulation harness (memory, the CDP Bluetooth emulation) forwards GATT operations to it.
 * (Added by the device/protocol work; purely additive.)
 */
export interface SealGattServer {
  /**
   * A write to `control`, one frame. Resolves once the frame is taken; for a frame written WITH
   * response that completes a command, only once the reply is ready — the device holds its ATT
   * Write Response until then, so the tablet's first read finds the reply (no empty reads).
   */
  write(frame: Uint8Array, withResponse: boolean): Promise<void>;
  /** A read of `reply`: the next reply frame, or an empty array when nothing is waiting. */
  read(): Uint8Array;
  /** The link dropped: forget a partial command, an unread reply and the negotiated frame size. */
  disconnected(): void;
  /** `hint`: `listener` runs whenever a reply becomes ready. Returns the unsubscribe function. */
  onReplyReady(listener: () => void): () => void;
}
