import { WEBHOOK_HEADERS, type WebhookAttempt, type WebhookDelivery } from '@seal/shared';
import type { WebhookSettings } from '../../config';
import type { ClaimedDelivery, DeliveriesRepo } from './deliveriesRepo';
import { postDelivery, type AttemptOutcome } from './postDelivery';
import type { SecretBox } from './secretBox';
import { signDelivery } from './signDelivery';
import type { WebhooksRepo } from './webhooksRepo';

/** How long one attempt may take before it counts as failed. */
const ATTEMPT_TIMEOUT_MS = 10_000;
/** A claim outlives the attempt it covers; past it another instance may take the delivery. */
const LEASE_MS = ATTEMPT_TIMEOUT_MS + 20_000;
/**
 * However far the next due delivery is, look again this often: another instance (or one that
 * died) may have queued deliveries this one was not told of.
 */
const POLL_MS = 15_000;
const BATCH = 20;

export interface DispatcherDeps {
  readonly deliveries: DeliveriesRepo;
  readonly hooks: WebhooksRepo;
  readonly box: SecretBox;
  readonly settings: WebhookSettings;
  /** Real time: retries wait in it (the server's clock may be a test's frozen one). */
  readonly now: () => number;
  readonly warn: (error: unknown, message: string) => void;
  /** Resolves once the databases exist (see `Notifier.ready`). */
  readonly ready?: () => Promise<void>;
}

/** The status and next try after an attempt: delivered on 2xx, else retried with doubling waits until the cap. */
export function nextAfter(outcome: AttemptOutcome, attemptsMade: number, settings: WebhookSettings, now: number): Pick<WebhookDelivery, 'status' | 'nextAttemptAt'> {
  if (outcome.statusCode !== null && outcome.statusCode >= 200 && outcome.statusCode < 300) return { status: 'delivered', nextAttemptAt: null };
  if (attemptsMade >= settings.maxAttempts) return { status: 'failed', nextAttemptAt: null };
  return { status: 'pending', nextAttemptAt: now + settings.retryBaseMs * 2 ** (attemptsMade - 1) };
}

/**
 * Sends queued deliveries: whatever is due, claimed first so that several server instances never
 * send one attempt twice, then retried with exponential backoff until delivered or out of
 * attempts. Everything it knows is in the store: a restarted server picks up where it was.
 */
export class DeliveryDispatcher {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private closed = false;

  constructor(private readonly deps: DispatcherDeps) {}

  /** Looks for due deliveries now (after a queue, at start). */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain()
      .catch((error: unknown) => this.deps.warn(error, 'webhook deliveries could not be sent'))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        } else void this.schedule();
      });
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private async drain(): Promise<void> {
    await this.deps.ready?.();
    for (;;) {
      const due = await this.deps.deliveries.due(this.deps.now(), BATCH);
      if (due.length === 0 || this.closed) return;
      await Promise.all(due.map(async (doc) => {
        const claimed = await this.deps.deliveries.claim(doc.id, this.deps.now(), LEASE_MS);
        if (claimed) await this.attempt(claimed);
      }));
    }
  }

  private async schedule(): Promise<void> {
    if (this.closed) return;
    const next = await this.deps.deliveries.nextDueAt().catch(() => undefined);
    if (this.closed) return;
    const wait = next === undefined ? POLL_MS : Math.min(POLL_MS, Math.max(0, next - this.deps.now()));
    this.timer = setTimeout(() => this.kick(), wait);
    this.timer.unref();
  }

  private async attempt(claimed: ClaimedDelivery): Promise<void> {
    const { doc } = claimed;
    const at = this.deps.now();
    const hook = await this.deps.hooks.get(doc.hookId);
    const secret = hook && this.deps.box.open(hook.id, hook.secretSealed);
    let outcome: AttemptOutcome;
    if (!hook || !hook.enabled) outcome = { statusCode: null, error: 'the hook was disabled', durationMs: 0 };
    else if (secret === undefined) outcome = { statusCode: null, error: 'the hook\'s secret cannot be opened with this server\'s WEBHOOK_KEY_PATH', durationMs: 0 };
    else {
      const body = JSON.stringify(doc.event);
      const timestamp = String(Math.floor(at / 1000));
      const headers = { [WEBHOOK_HEADERS.eventId]: doc.eventId, [WEBHOOK_HEADERS.timestamp]: timestamp, [WEBHOOK_HEADERS.signature]: signDelivery(secret, timestamp, body) };
      outcome = await postDelivery(hook.url, headers, body, { allowInternal: this.deps.settings.allowPrivateAddresses, timeoutMs: ATTEMPT_TIMEOUT_MS, now: this.deps.now });
    }
    const attempt: WebhookAttempt = { at, durationMs: outcome.durationMs, statusCode: outcome.statusCode, error: outcome.error };
    const stop = !hook || !hook.enabled || secret === undefined;
    const next = stop ? { status: 'failed' as const, nextAttemptAt: null } : nextAfter(outcome, doc.attempts.length + 1, this.deps.settings, this.deps.now());
    await this.deps.deliveries.settle(claimed, attempt, next);
  }
}
