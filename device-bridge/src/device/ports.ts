import type { P256PublicJwk, Position } from '@seal/shared';

/**
 * The device's ports: what the state machine needs from the board. Firmware maps each to its
 * hardware (flash, RTC, secure element, sensors, lock motor, camera); the simulator and tests
 * provide software ones. The state machine itself touches nothing else (no Node, no DOM).
 */

/**
 * Non-volatile storage: a key → bytes store that survives power loss. A `put` that resolved is
 * durable. Keys are short ASCII paths (`log/42`). Implementations: `MemoryStorage` (tests,
 * browser demo), `FileStorage` (Node, device-bridge/src/node). All pass `runStoragePortTests`.
 */
export interface StoragePort {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
}

/** The real-time clock: milliseconds since the Unix epoch as the hardware counts them (it drifts). */
export interface ClockPort {
  now(): number;
}

/** The device identity key, held by the secure element: the private half never leaves it. */
export interface DeviceKey {
  readonly publicJwk: P256PublicJwk;
  /** ECDSA P-256 over SHA-256(data); the raw 64-byte `r ‖ s`. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** The secure element: loads the device key, or generates it on first start. */
export interface KeyPort {
  load(): Promise<DeviceKey | null>;
  generate(): Promise<DeviceKey>;
}

/** What the camera is told about the page it photographs (the simulator draws from it). */
export interface PhotoSubject {
  readonly requestId: string;
  readonly page: number;
  readonly at: number;
  readonly useIndex: number;
}

/** The outcome of a press of the seal, for the hardware (and tests) to see. */
export type PressOutcome =
  | { readonly stamped: true; readonly seq: number; readonly useIndex: number; readonly usesLeft: number }
  /** `seq`: the log entry recording why (null when the device cannot log: not provisioned). */
  | { readonly stamped: false; readonly code: string; readonly seq: number | null };

/** What the board reports to the state machine: sensor events. */
export interface HardwareHandlers {
  /** The seal was pressed onto page `page`. */
  press(page: number): Promise<PressOutcome>;
  /** The case was opened or its tamper switch tripped. */
  caseOpened(detail: string): Promise<void>;
  /** The GNSS position changed. */
  positionChanged(): Promise<void>;
  /** The battery level changed. */
  batteryChanged(): Promise<void>;
}

/** Sensors and actuators. */
export interface HardwarePort {
  /** The latest GNSS fix, or `null` without one. */
  position(): Position | null;
  batteryPercent(): number;
  /** Drives the lock: `false` frees the seal for pressing. */
  setLocked(locked: boolean): void;
  /** Photographs the stamped page; returns the image bytes. */
  capturePhoto(subject: PhotoSubject): Uint8Array;
  /** Connects the sensors to the state machine (called once by `createSealDevice`). */
  attach(handlers: HardwareHandlers): void;
}
