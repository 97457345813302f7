/**
 * An emulated seal peripheral for real Chromium: the CDP `BluetoothEmulation` domain (browser
 * session) fakes an adapter and a device with our GATT service, and `DeviceAccess` (page session)
 * answers the chooser. Every GATT operation the page performs arrives here as an event and is
 * answered from a Node-side byte handler, where the reference device plugs in.
 *
 * Chromium hangs on any operation left unanswered, so every event is answered (an ATT error when
 * nothing better is possible) and every failure to answer is recorded in `problems`.
 * Quirks this works around are listed in tests/e2e/bluetooth/README.md.
 */
import type { Browser, CDPSession, Page } from 'playwright-core';
import { SEAL_GATT, type SealGattServer } from '@seal/device-bridge';

/** The device side of the byte pipe: what the tablet writes to `control`, what it reads from `reply`. */
export interface PeripheralByteHandler {
  /** One frame written to `control`; a write with response is answered once this settles. */
  onWrite(bytes: Uint8Array, withResponse: boolean): void | Promise<void>;
  /** The next reply frame; empty when nothing is waiting. */
  onRead(): Uint8Array | Promise<Uint8Array>;
  /** The emulated link dropped (not called when the page disconnects: Chromium does not say). */
  onDisconnect?(): void;
}

/** Plugs a device's GATT handlers (the reference device's `SealGattServer`) into the peripheral. */
export function gattServerHandler(server: SealGattServer): PeripheralByteHandler {
  return {
    onWrite: (bytes, withResponse) => server.write(bytes, withResponse),
    onRead: () => server.read(),
    // `onReplyReady` has nowhere to go: the emulation cannot push notifications.
    onDisconnect: () => server.disconnected(),
  };
}

export type CentralState = 'absent' | 'powered-off' | 'powered-on';
type Role = 'control' | 'reply' | 'hint';
type CharacteristicOp = 'read' | 'write' | 'subscribe-to-notifications' | 'unsubscribe-from-notifications';

export interface EmulatedPeripheralOptions {
  readonly handler: PeripheralByteHandler;
  readonly address?: string;
  readonly name?: string;
  readonly adapter?: CentralState;
  /** false: no seal in range; the chooser lists nothing and the harness closes it. */
  readonly inRange?: boolean;
  /** false: `control` supports only write with response. */
  readonly controlWithoutResponse?: boolean;
  /** 'no-cccd': `hint` lacks its 0x2902 descriptor, so subscribing fails; 'absent': no `hint`. */
  readonly hint?: 'notify' | 'no-cccd' | 'absent';
  /** false: the device is listed for our service but its GATT table lacks it (not a seal). */
  readonly sealService?: boolean;
  readonly chooser?: 'select' | 'cancel';
  /** How long a chooser listing no device stays open before the harness cancels it. */
  readonly chooserPatienceMs?: number;
  /** Also print the trace (set BT_TRACE=1 to turn on for every peripheral). */
  readonly verbose?: boolean;
}

export interface OperationRecord {
  readonly role: Role;
  readonly type: CharacteristicOp;
  readonly writeType?: string;
  readonly bytes?: Uint8Array;
  /** 0 for success, else the ATT error code the harness answered. */
  readonly code: number;
}

export interface HeldOperation {
  readonly type: CharacteristicOp;
  /** Answers the held operation normally. */
  release(): Promise<void>;
}

/** An ATT error code with no specific meaning ("Unlikely Error"): what a dying link answers. */
const ATT_UNLIKELY_ERROR = 0x0e;
/** HCI "Connection Failed to be Established". */
const HCI_CONNECTION_FAILED = 0x3e;
const CCCD = '00002902-0000-1000-8000-00805f9b34fb';
/** How long no operation must arrive before a drop between operations is sent (see quirk: a pending op blocks it). */
const DROP_QUIET_MS = 30;

export class EmulatedPeripheral {
  readonly address: string;
  readonly name: string;
  /** Every characteristic operation, in arrival order. */
  readonly operations: OperationRecord[] = [];
  /** Every chooser prompt: its id and how many devices it listed each time it was shown. */
  readonly prompts: { id: string; devices: number }[] = [];
  /** Failures that should not happen (handler errors, answers Chromium refused while the link was up). */
  readonly problems: string[] = [];
  readonly trace: string[] = [];
  /** Connection attempts the page made (the first connect and every reconnect). */
  connections = 0;

  readonly #browserSession: CDPSession;
  readonly #pageSession: CDPSession;
  readonly #options: EmulatedPeripheralOptions;
  #chooser: 'select' | 'cancel';
  #inRange = false;
  #roles = new Map<string, Role>();
  #tableReady: Promise<void> = Promise.resolve();
  #chain: Promise<void> = Promise.resolve();
  #lastOperationAt = 0;
  #linkDown = false;
  #refuseConnections = 0;
  /** A planned drop; `triggered` once its operation arrived (the link is down, the disconnection not yet sent). */
  #dropPlan: { type: CharacteristicOp; remaining: number; triggered: boolean; done: () => void; failed: (err: unknown) => void } | undefined;
  #holds: { type: CharacteristicOp; arrived: (held: HeldOperation) => void }[] = [];
  #releases = new Set<() => Promise<void>>();
  #settledPrompts = new Set<string>();
  #promptTimers = new Map<string, ReturnType<typeof setTimeout>>();
  #stopped = false;
  #dropping: Promise<void> = Promise.resolve();

  private constructor(browserSession: CDPSession, pageSession: CDPSession, options: EmulatedPeripheralOptions) {
    this.#browserSession = browserSession;
    this.#pageSession = pageSession;
    this.#options = options;
    this.address = options.address ?? '5E:A1:00:00:00:01';
    this.name = options.name ?? 'Seal Emulator';
    this.#chooser = options.chooser ?? 'select';
  }

  /** Enables the emulation for `page` (one peripheral per browser at a time) and, by default, brings the seal into range. */
  static async start(browser: Browser, page: Page, options: EmulatedPeripheralOptions): Promise<EmulatedPeripheral> {
    const browserSession = await browser.newBrowserCDPSession();
    const pageSession = await page.context().newCDPSession(page);
    const peripheral = new EmulatedPeripheral(browserSession, pageSession, options);
    browserSession.on('BluetoothEmulation.gattOperationReceived', (e) => peripheral.#onGattOperation(e.type));
    browserSession.on('BluetoothEmulation.characteristicOperationReceived', (e) => peripheral.#onCharacteristicOperation(e));
    browserSession.on('BluetoothEmulation.descriptorOperationReceived', (e) => peripheral.#onDescriptorOperation(e));
    pageSession.on('DeviceAccess.deviceRequestPrompted', (e) => peripheral.#onPrompt(e.id, e.devices));
    await browserSession.send('BluetoothEmulation.enable', { state: options.adapter ?? 'powered-on', leSupported: true });
    await pageSession.send('DeviceAccess.enable');
    if (options.inRange !== false) await peripheral.comeIntoRange();
    return peripheral;
  }

  /** Makes the seal known to the adapter (preconnected, with its GATT table) and advertise. */
  async comeIntoRange(): Promise<void> {
    if (this.#inRange) return;
    this.#inRange = true;
    await this.#browserSession.send('BluetoothEmulation.simulatePreconnectedPeripheral', {
      address: this.address,
      name: this.name,
      manufacturerData: [],
      knownServiceUuids: [SEAL_GATT.service],
    });
    this.#tableReady = this.#buildGattTable();
    await this.#tableReady;
    // Quirk: an advertisement without appearance and txPower never completes.
    await this.#browserSession.send('BluetoothEmulation.simulateAdvertisement', {
      entry: {
        deviceAddress: this.address,
        rssi: -48,
        scanRecord: { name: this.name, uuids: [SEAL_GATT.service], appearance: 0, txPower: 0, manufacturerData: [] },
      },
    });
  }

  setChooser(mode: 'select' | 'cancel'): void {
    this.#chooser = mode;
  }

  async setAdapter(state: CentralState): Promise<void> {
    await this.#browserSession.send('BluetoothEmulation.setSimulatedCentralState', { state });
  }

  /** The next `count` connection attempts fail (HCI "Connection Failed to be Established"). */
  refuseConnections(count: number): void {
    this.#refuseConnections = count;
  }

  /**
   * Drops the link when the `nth` (1-based) operation of `type` from now arrives: that operation
   * and everything after it fail with an ATT error and reach no handler, and the disconnection
   * follows the answer to the first operation the page waits on (a read, a write with response),
   * that one or a later one. Resolves once the drop is done and the device can be reconnected.
   *
   * Why not sooner: a disconnection sent while an operation is unanswered does nothing (see the
   * README), and the page may already have sent one that has not arrived here yet. The page
   * sends nothing while it waits for an answer, so right after answering, nothing is in flight.
   */
  dropLinkOn(type: CharacteristicOp, nth = 1): Promise<void> {
    const dropped = new Promise<void>((done, failed) => {
      this.#dropPlan = { type, remaining: nth, triggered: false, done, failed };
    });
    // Recorded here as well, so a drop nobody awaited (a test that failed first) is no unhandled rejection.
    this.#dropping = dropped.catch((err: unknown) => {
      this.problems.push(`planned drop: ${String(err)}`);
    });
    return dropped;
  }

  /** Drops the link now (between operations). */
  async dropLink(): Promise<void> {
    this.#linkDown = true;
    this.#dropping = this.#completeDrop();
    await this.#dropping;
  }

  /** Holds the next operation of `type` unanswered until `release()` (to make the page time out). */
  holdNext(type: CharacteristicOp): Promise<HeldOperation> {
    return new Promise((arrived) => this.#holds.push({ type, arrived }));
  }

  /** The bytes the device received on `control`, one entry per write. */
  writes(): Uint8Array[] {
    return this.operations.filter((op) => op.type === 'write' && op.role === 'control' && op.code === 0).map((op) => op.bytes!);
  }

  /** Answers whatever is still held, then turns the emulation off for the next test. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    // The tablet has gone: the device's link ends (its read session with it), as a real device
    // sees the radio link drop. (A page-side disconnect sends no CDP event, so nothing said so yet.)
    this.#options.handler.onDisconnect?.();
    for (const timer of this.#promptTimers.values()) clearTimeout(timer);
    await Promise.allSettled([...this.#releases].map((release) => release()));
    await this.#chain;
    if (this.#dropPlan) {
      this.#dropPlan.failed(new Error(this.#dropPlan.triggered
        ? 'the peripheral stopped before the page sent an operation that waits for an answer, so the planned drop was never sent'
        : 'the peripheral stopped before the planned drop'));
      this.#dropPlan = undefined;
    } else {
      await this.#dropping.catch(() => undefined); // its failure is already in `problems`
    }
    const results = await Promise.allSettled([
      this.#pageSession.send('DeviceAccess.disable'),
      this.#browserSession.send('BluetoothEmulation.disable'),
    ]);
    // The page session stays attached (it goes with its page): detaching it lifts the page's
    // emulated offline state from navigator.onLine (see the README's quirks).
    await Promise.allSettled([this.#browserSession.detach()]);
    for (const r of results) if (r.status === 'rejected') this.#log(`stop: ${String(r.reason)}`);
  }

  async #buildGattTable(): Promise<void> {
    this.#roles.clear();
    if (this.#options.sealService === false) return;
    const { serviceId } = await this.#browserSession.send('BluetoothEmulation.addService', { address: this.address, serviceUuid: SEAL_GATT.service });
    const add = async (role: Role, uuid: string, properties: Record<string, boolean>): Promise<string> => {
      const { characteristicId } = await this.#browserSession.send('BluetoothEmulation.addCharacteristic', { serviceId, characteristicUuid: uuid, properties });
      this.#roles.set(characteristicId, role);
      return characteristicId;
    };
    await add('control', SEAL_GATT.control, { write: true, writeWithoutResponse: this.#options.controlWithoutResponse !== false });
    await add('reply', SEAL_GATT.reply, { read: true });
    const hint = this.#options.hint ?? 'notify';
    if (hint === 'absent') return;
    const hintId = await add('hint', SEAL_GATT.hint, { notify: true });
    if (hint === 'notify') await this.#browserSession.send('BluetoothEmulation.addDescriptor', { characteristicId: hintId, descriptorUuid: CCCD });
  }

  #onGattOperation(type: 'connection' | 'discovery'): void {
    void this.#answerGattOperation(type);
  }

  async #answerGattOperation(type: 'connection' | 'discovery'): Promise<void> {
    let code = 0;
    try {
      // After a drop the table is rebuilt; let no connection see it half-built.
      await this.#tableReady;
      if (type === 'connection') {
        this.connections++;
        if (this.#refuseConnections > 0) {
          this.#refuseConnections--;
          code = HCI_CONNECTION_FAILED;
        }
      }
    } catch (err) {
      this.problems.push(`GATT table not ready for ${type}: ${String(err)}`);
      code = HCI_CONNECTION_FAILED;
    } finally {
      this.#log(`gatt ${type} → ${code}`);
      await this.#browserSession.send('BluetoothEmulation.simulateGATTOperationResponse', { address: this.address, type, code }).catch(
        (err: unknown) => this.problems.push(`answering gatt ${type}: ${String(err)}`),
      );
    }
  }

  #onCharacteristicOperation(e: { characteristicId: string; type: CharacteristicOp; data?: string; writeType?: string }): void {
    this.#lastOperationAt = Date.now();
    // In order, one at a time: frames must reach the handler in the order the page wrote them.
    this.#chain = this.#chain.then(() => this.#answerCharacteristicOperation(e));
  }

  async #answerCharacteristicOperation(e: { characteristicId: string; type: CharacteristicOp; data?: string; writeType?: string }): Promise<void> {
    const role = this.#roles.get(e.characteristicId);
    const bytes = e.data === undefined ? undefined : new Uint8Array(Buffer.from(e.data, 'base64'));
    const linkWasUp = !this.#linkDown;
    let code = 0;
    let data: Uint8Array | undefined;
    try {
      if (!role) throw new Error(`unknown characteristic ${e.characteristicId} (from before a drop?)`);
      if (this.#shouldDropNow(e.type) || this.#linkDown) {
        code = ATT_UNLIKELY_ERROR;
      } else {
        await this.#waitIfHeld(e.type);
        if (e.type === 'write' && role === 'control') {
          await this.#options.handler.onWrite(bytes ?? new Uint8Array(), e.writeType !== 'write-without-response');
        }
        if (e.type === 'read' && role === 'reply') data = await this.#options.handler.onRead();
      }
    } catch (err) {
      code = ATT_UNLIKELY_ERROR;
      if (linkWasUp) this.problems.push(`${e.type} on ${role ?? e.characteristicId}: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.operations.push({ role: role ?? 'control', type: e.type, writeType: e.writeType, bytes, code });
    this.#log(`${e.type} ${role ?? '?'} ${e.writeType ?? ''} ${bytes ? hex(bytes) : ''}${data ? `→ ${hex(data)}` : ''} code ${code}`);
    if (e.writeType === 'write-without-response') {
      // Quirk: Chromium has already resolved it, and an answer would complete the oldest pending
      // write *with* response instead (with this one's code). Leaving it unanswered hangs nothing.
      return;
    }
    const answer: { characteristicId: string; type: CharacteristicOp; code: number; data?: string } = { characteristicId: e.characteristicId, type: e.type, code };
    if (e.type === 'read' && code === 0) answer.data = Buffer.from(data ?? new Uint8Array()).toString('base64');
    const answered = this.#browserSession.send('BluetoothEmulation.simulateCharacteristicOperationResponse', answer).catch((err: unknown) => {
      // After a drop Chromium refuses answers to operations it already abandoned: expected then.
      if (linkWasUp && !this.#linkDown) this.problems.push(`answering ${e.type} on ${role ?? '?'}: ${String(err)}`);
      else this.#log(`answer refused after drop: ${String(err)}`);
    });
    // Sent right behind the answer, in order on the same session: the page gets the answer, then
    // the drop, with no chance to send anything in between.
    this.#dropIfTriggered();
    await answered;
  }

  #shouldDropNow(type: CharacteristicOp): boolean {
    const plan = this.#dropPlan;
    if (!plan || plan.triggered || plan.type !== type || --plan.remaining > 0) return false;
    plan.triggered = true;
    this.#linkDown = true;
    return true;
  }

  /** Sends a triggered planned drop; called only right after answering an operation the page waited on. */
  #dropIfTriggered(): void {
    const plan = this.#dropPlan;
    if (!plan?.triggered) return;
    this.#dropPlan = undefined;
    // Not awaited in the chain: the reconnection's operations must still be answered meanwhile.
    this.#disconnect().then(plan.done, plan.failed);
  }

  /** Between operations: answers everything outstanding, waits for quiet, then disconnects. */
  async #completeDrop(): Promise<void> {
    for (;;) {
      await this.#chain;
      const quietFor = Date.now() - this.#lastOperationAt;
      if (quietFor >= DROP_QUIET_MS) break;
      await new Promise((r) => setTimeout(r, DROP_QUIET_MS - quietFor));
    }
    await this.#disconnect();
  }

  /** Disconnects now and rebuilds the GATT table; the caller knows no operation is unanswered. */
  async #disconnect(): Promise<void> {
    let rebuilt!: () => void;
    this.#tableReady = new Promise((r) => (rebuilt = r));
    try {
      this.#log('drop: simulateGATTDisconnection');
      await this.#browserSession.send('BluetoothEmulation.simulateGATTDisconnection', { address: this.address });
      this.#options.handler.onDisconnect?.();
      // Quirk: the disconnection removes the device's services; a reconnect would find none.
      await this.#buildGattTable();
    } finally {
      this.#linkDown = false;
      rebuilt();
    }
  }

  async #waitIfHeld(type: CharacteristicOp): Promise<void> {
    const index = this.#holds.findIndex((h) => h.type === type);
    if (index < 0) return;
    const [hold] = this.#holds.splice(index, 1);
    await new Promise<void>((resume) => {
      const release = (): Promise<void> => {
        this.#releases.delete(release);
        resume();
        return this.#chain;
      };
      this.#releases.add(release);
      hold!.arrived({ type, release });
    });
  }

  #onDescriptorOperation(e: { descriptorId: string; type: 'read' | 'write'; data?: string }): void {
    // Chromium writes the CCCD itself when subscribing; answer in case it ever asks.
    const answer = { descriptorId: e.descriptorId, type: e.type, code: 0, ...(e.type === 'read' ? { data: Buffer.from([0, 0]).toString('base64') } : {}) };
    this.#browserSession.send('BluetoothEmulation.simulateDescriptorOperationResponse', answer).catch((err: unknown) =>
      this.problems.push(`answering descriptor ${e.type}: ${String(err)}`),
    );
  }

  #onPrompt(id: string, devices: readonly { id: string; name: string }[]): void {
    this.prompts.push({ id, devices: devices.length });
    this.#log(`chooser ${id}: ${devices.length} device(s)`);
    // Chromium repeats the prompt (and again as devices appear): answer each prompt once.
    if (this.#settledPrompts.has(id) || this.#stopped) return;
    if (this.#chooser === 'cancel') return this.#settlePrompt(id, 'cancel');
    const ours = devices.find((d) => d.id === this.address) ?? devices[0];
    if (ours) return this.#settlePrompt(id, 'select', ours.id);
    if (!this.#promptTimers.has(id)) {
      this.#promptTimers.set(id, setTimeout(() => this.#settlePrompt(id, 'cancel'), this.#options.chooserPatienceMs ?? 500));
    }
  }

  #settlePrompt(id: string, how: 'select' | 'cancel', deviceId?: string): void {
    if (this.#settledPrompts.has(id)) return;
    this.#settledPrompts.add(id);
    clearTimeout(this.#promptTimers.get(id));
    this.#promptTimers.delete(id);
    const sent =
      how === 'select'
        ? this.#pageSession.send('DeviceAccess.selectPrompt', { id, deviceId: deviceId! })
        : this.#pageSession.send('DeviceAccess.cancelPrompt', { id });
    sent.catch((err: unknown) => this.problems.push(`${how} prompt ${id}: ${String(err)}`));
  }

  #log(line: string): void {
    const stamped = `${new Date().toISOString().slice(17, 23)} ${line}`;
    this.trace.push(stamped);
    if (this.#options.verbose || process.env.BT_TRACE) console.log(`[bt ${this.address}] ${stamped}`);
  }
}

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}
