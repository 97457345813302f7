import type { SyncStatus } from './syncStatus';

/**
 * What the status shows of uploads while the queue is busy: how many attachments wait, and bytes
 * sent against bytes to send since the queue was last empty (so the bar only moves forward, also
 * while attachments are added).
 */
export class UploadProgress {
  private queued = 0;
  /** Bytes of the attachments still queued. */
  private waitingBytes = 0;
  /** Bytes of the attachments uploaded since the queue was last empty. */
  private doneBytes = 0;
  /** Per attachment going up now: bytes of it sent so far. */
  private readonly inFlight = new Map<string, number>();

  /** A new round: `sizes` of everything queued now. */
  begin(sizes: readonly number[]): void {
    this.queued = sizes.length;
    this.waitingBytes = sizes.reduce((sum, size) => sum + size, 0);
    if (sizes.length === 0) this.doneBytes = 0;
  }

  sent(sha: string, bytes: number): void {
    this.inFlight.set(sha, (this.inFlight.get(sha) ?? 0) + bytes);
  }

  finished(sha: string, size: number): void {
    this.inFlight.delete(sha);
    this.queued = Math.max(0, this.queued - 1);
    this.waitingBytes = Math.max(0, this.waitingBytes - size);
    this.doneBytes += size;
  }

  /** Its bytes go up again later (the server keeps what it holds; this counts only what is confirmed). */
  failed(sha: string): void {
    this.inFlight.delete(sha);
  }

  publish(status: SyncStatus): void {
    const bytesTotal = this.queued === 0 ? 0 : this.doneBytes + this.waitingBytes;
    let sending = 0;
    for (const bytes of this.inFlight.values()) sending += bytes;
    status.update({ attachments: { queued: this.queued, bytesTotal, bytesSent: Math.min(bytesTotal, this.doneBytes + sending) } });
  }
}
