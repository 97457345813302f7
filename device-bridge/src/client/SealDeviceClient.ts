import type { AssertionFields, DeviceEvent, DeviceId, Grant, P256PublicJwk, SignedRevocationList, SignedRoster } from '@seal/shared';
import { bytesEqual } from '../protocol/bytesEqual';
import { WireError } from '../protocol/codec';
import { DEVICE_CODES, deviceCodeOf } from '../protocol/codes';
import { DEFAULT_FRAME_SIZE } from '../protocol/gatt';
import { grantEvidence } from '../protocol/grantWire';
import { logEntryFromWire } from '../protocol/logWire';
import type { CommandName, ReplyOf, RequestOf } from '../protocol/messages';
import type { SealBinding, Signed, TimeRecord } from '../protocol/orgRecords';
import { readRecord, type ReadRecord } from '../protocol/readRecord';
import { unlockRecord, type UnlockRecord } from '../protocol/unlockRecord';
import { TransportError, type Transport } from '../transport/Transport';
import { DEFAULT_TIMING, exchange, type ExchangeTiming } from './exchange';
import { SealDeviceError } from './SealDeviceError';

export type DeviceInfo = ReplyOf<'info'>;
export type DeviceStatus = ReplyOf<'status'>;
export type DeviceNonce = ReplyOf<'nonce'>;
export type UnlockResult = ReplyOf<'unlock'>;
export type ReadSessionOpened = ReplyOf<'open_reads'>;
/** A page of the device log, entries rebuilt in the shared format (not yet verified). */
export interface LogPage {
  readonly entries: readonly DeviceEvent[];
  readonly nextSeq: number;
}

export interface SealDeviceClientOptions extends Partial<ExchangeTiming> {
  /** Reconnects tried after the link drops in the middle of a call. Default 2. */
  readonly maxReconnects?: number;
}

/**
 * The tablet's side of the protocol, over any {@link Transport}. Every call is one command and
 * one reply; a refusal or error is thrown as a {@link SealDeviceError} with a typed code.
 *
 * When the link drops mid-call the client reconnects and asks again — safe, because every
 * command is idempotent on the device (same roster, time record or binding again: no-op; lock
 * when locked: no-op) — except `unlock`, which it never resends blindly: it asks `status` what
 * became of its nonce, and resends only if the nonce is still outstanding, unused.
 *
 * The unlock path: `nonce()` BEFORE the passkey prompt, `unlockRecord(grant)` is what the holder
 * signs, then `unlock(grant, assertion)` — one command carrying grant and assertion.
 */
export class SealDeviceClient {
  private msgId = 0;
  private readonly timing: ExchangeTiming;
  private readonly maxReconnects: number;
  private known: { deviceId: DeviceId | null; publicKey: P256PublicJwk } | null = null;
  private currentNonce: Uint8Array | null = null;
  private renegotiate = false;

  constructor(
    readonly transport: Transport,
    options: SealDeviceClientOptions = {},
  ) {
    this.timing = { ...DEFAULT_TIMING, ...options };
    this.maxReconnects = options.maxReconnects ?? 2;
  }

  /** Who the device is; also negotiates the reply frame size to the transport's. */
  async info(): Promise<DeviceInfo> {
    const reply = await this.call('info', { frameSize: this.transport.frameSize });
    this.known = { deviceId: reply.deviceId, publicKey: reply.publicKey };
    return reply;
  }

  status(): Promise<DeviceStatus> {
    return this.call('status', {});
  }

  /** A fresh device nonce: fetch it before the passkey prompt. */
  async nonce(): Promise<DeviceNonce> {
    const reply = await this.call('nonce', {});
    this.currentNonce = reply.nonce;
    return reply;
  }

  /** What the holder's passkey must sign to unlock under `grant` with the current nonce. */
  unlockRecord(grant: Grant): UnlockRecord {
    if (this.currentNonce === null) throw new SealDeviceError('no_nonce', 'fetch a nonce() before the passkey prompt');
    return unlockRecord(this.known?.deviceId ?? grant.deviceId, this.currentNonce, grant.requestId, grant.holderId);
  }

  /** Unlocks with a grant and the holder's assertion over {@link unlockRecord}. */
  async unlock(grant: Grant, holderAssertion: AssertionFields): Promise<UnlockResult> {
    const nonce = this.currentNonce;
    if (nonce === null) throw new SealDeviceError('no_nonce', 'fetch a nonce() before the passkey prompt');
    const evidence = grantEvidence(grant);
    if (!evidence.ok) throw new SealDeviceError(evidence.error.code, evidence.error.message);
    const body: RequestOf<'unlock'> = { nonce, grant: evidence.value.grant, approvals: [...evidence.value.approvals], holder: holderAssertion };
    this.currentNonce = null;
    return this.call('unlock', body, () => this.resumeUnlock(body, 1));
  }

  lock(): Promise<ReplyOf<'lock'>> {
    return this.call('lock', {});
  }

  /** One page of the log from `fromSeq`. */
  async readLog(fromSeq: number, max?: number): Promise<LogPage> {
    const deviceId = this.known?.deviceId ?? (await this.info()).deviceId;
    if (deviceId === null) throw new SealDeviceError('not_provisioned', 'the device is not provisioned: it has no log');
    const reply = await this.call('read_log', max === undefined ? { fromSeq } : { fromSeq, max });
    try {
      return { entries: reply.entries.map((wire, i) => logEntryFromWire(deviceId, wire, `entries[${i}]`)), nextSeq: reply.nextSeq };
    } catch (error) {
      if (error instanceof WireError) throw new SealDeviceError('bad_reply', error.message, { cause: error });
      throw error;
    }
  }

  /** Every entry from `fromSeq` to the device's head, page by page. */
  async readLogSince(fromSeq: number): Promise<DeviceEvent[]> {
    const all: DeviceEvent[] = [];
    for (let next = fromSeq; ; ) {
      const page = await this.readLog(next);
      all.push(...page.entries);
      if (page.entries.length === 0 || page.nextSeq <= next) return all;
      next = page.nextSeq;
    }
  }

  /** What a reader's passkey must sign to open reads of photos with the current nonce. */
  readRecord(): ReadRecord {
    if (this.currentNonce === null) throw new SealDeviceError('no_nonce', 'fetch a nonce() before the passkey prompt');
    const deviceId = this.known?.deviceId;
    if (deviceId === undefined || deviceId === null) throw new SealDeviceError('not_provisioned', 'ask info() first: the read record names the device');
    return readRecord(deviceId, this.currentNonce);
  }

  /**
   * Opens a read session on this link with a passkey assertion over {@link readRecord}: photos
   * are given only on a link that has one (the holder's unlock opens one for their own stamps).
   * It ends when the link drops; the device never applies it twice (the nonce is single use).
   */
  async openReads(readerAssertion: AssertionFields): Promise<ReadSessionOpened> {
    const nonce = this.currentNonce;
    if (nonce === null) throw new SealDeviceError('no_nonce', 'fetch a nonce() before the passkey prompt');
    this.currentNonce = null;
    return this.call('open_reads', { nonce, reader: readerAssertion });
  }

  /** The photo of the stamp logged at `seq` (needs a read session on this link: `openReads`, or the holder's unlock). */
  async photo(seq: number): Promise<Uint8Array> {
    return (await this.call('get_photo', { seq })).photo;
  }

  installRoster(signed: SignedRoster): Promise<ReplyOf<'install_roster'>> {
    return this.call('install_roster', { signedRoster: signed });
  }

  /** The org-signed revocation list (PROTOCOL.md §5): any tablet carries it; the device keeps only a newer one. */
  installRevocations(signed: SignedRevocationList): Promise<ReplyOf<'install_revocations'>> {
    return this.call('install_revocations', { list: signed.list, signature: signed.signature });
  }

  setTime(signed: Signed<TimeRecord>): Promise<ReplyOf<'set_time'>> {
    return this.call('set_time', { deviceId: signed.record.deviceId, at: signed.record.at, signature: signed.signature });
  }

  bindSeal(signed: Signed<SealBinding>): Promise<ReplyOf<'bind_seal'>> {
    return this.call('bind_seal', { binding: signed.record, signature: signed.signature });
  }

  provision(deviceId: DeviceId, orgPublicJwk: P256PublicJwk): Promise<ReplyOf<'provision'>> {
    return this.call('provision', { deviceId, orgPublicKey: orgPublicJwk });
  }

  /** After a drop during `unlock`: learn the outcome from `status`, resend only an unused nonce. */
  private async resumeUnlock(body: RequestOf<'unlock'>, depth: number): Promise<UnlockResult> {
    const status = await this.call('status', {});
    const last = status.lastUnlock;
    if (last !== null && bytesEqual(last.nonce, body.nonce)) {
      if (last.code === DEVICE_CODES.ok) return { usesLeft: status.session?.usesLeft ?? 0, seq: last.seq ?? status.logHead?.seq ?? 0 };
      const code = deviceCodeOf(last.code);
      throw new SealDeviceError(code === undefined || code === 'ok' ? 'unknown_error' : code, 'the device refused this unlock before the link dropped', { status: last.code, ...(last.seq === undefined ? {} : { seq: last.seq }) });
    }
    if (status.pendingNonce !== null && bytesEqual(status.pendingNonce, body.nonce)) {
      if (depth > this.maxReconnects) throw new SealDeviceError('disconnected', 'the link keeps dropping during unlock');
      return this.call('unlock', body, () => this.resumeUnlock(body, depth + 1));
    }
    throw new SealDeviceError('nonce_missing', 'the link dropped and the nonce is no longer outstanding: fetch a new one and confirm again');
  }

  private nextMsgId(): number {
    this.msgId = (this.msgId + 1) & 0x03;
    return this.msgId;
  }

  /** One command with resumption after a dropped link; refusals become `SealDeviceError`. */
  private async call<C extends CommandName>(name: C, body: RequestOf<C>, resume?: () => Promise<ReplyOf<C>>): Promise<ReplyOf<C>> {
    for (let attempt = 0; ; attempt++) {
      try {
        if (this.renegotiate) {
          this.renegotiate = false;
          await exchange(this.transport, this.nextMsgId(), 'info', { frameSize: this.transport.frameSize }, this.timing);
        }
        const reply = await exchange(this.transport, this.nextMsgId(), name, body, this.timing);
        if (reply.ok) return reply.body;
        throw new SealDeviceError(reply.code === 'ok' ? 'unknown_error' : reply.code, reply.body.message ?? `${name} refused: ${reply.code}`, {
          status: reply.status,
          ...(reply.body.seq === undefined ? {} : { seq: reply.body.seq }),
        });
      } catch (error) {
        if (!(error instanceof TransportError)) throw error;
        if (error.code !== 'disconnected' || attempt >= this.maxReconnects) throw new SealDeviceError(error.code, error.message, { cause: error });
        await this.transport.reconnect();
        // The device forgot the frame size with the link; ask again before the next reply.
        this.renegotiate = this.transport.frameSize > DEFAULT_FRAME_SIZE;
        if (resume !== undefined) return resume();
      }
    }
  }
}
