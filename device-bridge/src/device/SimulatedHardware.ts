import type { Position } from '@seal/shared';
import type { ClockPort, HardwareHandlers, HardwarePort, PhotoSubject, PressOutcome } from './ports';
import { stampPhoto } from './stampPhoto';

/**
 * The simulated board: a GNSS fix, a battery, a lock motor, a tamper switch, a camera and the
 * seal's press switch. Tests and the CLI move it (`press`, `openCase`, `moveTo`,
 * `setBattery`); each call resolves once the state machine has handled the event.
 */
export class SimulatedHardware implements HardwarePort {
  private handlers: HardwareHandlers | null = null;
  private fix: Position | null;
  private battery: number;
  /** What the lock motor was last told. */
  locked = true;

  constructor(initial: { readonly position?: Position | null; readonly batteryPercent?: number } = {}) {
    this.fix = initial.position ?? null;
    this.battery = initial.batteryPercent ?? 100;
  }

  position(): Position | null {
    return this.fix;
  }

  batteryPercent(): number {
    return this.battery;
  }

  setLocked(locked: boolean): void {
    this.locked = locked;
  }

  capturePhoto(subject: PhotoSubject): Uint8Array {
    return stampPhoto(subject);
  }

  attach(handlers: HardwareHandlers): void {
    this.handlers = handlers;
  }

  private get device(): HardwareHandlers {
    if (this.handlers === null) throw new Error('the hardware is not attached to a device yet');
    return this.handlers;
  }

  /** Presses the seal onto page `page`. */
  press(page = 1): Promise<PressOutcome> {
    return this.device.press(page);
  }

  /** Opens the case (trips the tamper switch). */
  openCase(detail = 'case opened'): Promise<void> {
    return this.device.caseOpened(detail);
  }

  /** A new GNSS fix (or `null`: the fix was lost). */
  moveTo(position: Position | null): Promise<void> {
    this.fix = position;
    return this.device.positionChanged();
  }

  setBattery(percent: number): Promise<void> {
    this.battery = percent;
    return this.device.batteryChanged();
  }
}

/**
 * A simulated real-time clock: starts at `start`, runs with the wall clock (or only when
 * `advance`d, if `manual`), and drifts by `driftPpm` parts per million.
 */
export class SimulatedClock implements ClockPort {
  private readonly origin = Date.now();
  private offset = 0;

  constructor(
    private readonly start: number,
    private readonly options: { readonly manual?: boolean; readonly driftPpm?: number } = {},
  ) {}

  now(): number {
    const elapsed = (this.options.manual === true ? 0 : Date.now() - this.origin) + this.offset;
    return Math.round(this.start + elapsed * (1 + (this.options.driftPpm ?? 0) / 1e6));
  }

  /** Moves time on by `ms` (the device sleeping, or a test skipping ahead). */
  advance(ms: number): void {
    this.offset += ms;
  }
}
