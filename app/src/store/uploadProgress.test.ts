import { describe, expect, it } from 'vitest';
import { SyncStatus } from './syncStatus';
import { UploadProgress } from './uploadProgress';

/** What the status bar shows after each step. */
function shown(status: SyncStatus) {
  return status.get().attachments;
}

describe('attachment upload progress', () => {
  it('counts down the attachments left, and its bar only moves forward, also when one is added or one fails midway', () => {
    const status = new SyncStatus();
    const progress = new UploadProgress();
    progress.begin([300, 100]);
    progress.publish(status);
    expect(shown(status)).toEqual({ queued: 2, bytesTotal: 400, bytesSent: 0 });

    // Two go up side by side, chunk by chunk.
    progress.sent('a', 128);
    progress.sent('b', 100);
    progress.publish(status);
    expect(shown(status)).toEqual({ queued: 2, bytesTotal: 400, bytesSent: 228 });
    progress.finished('b', 100);
    progress.publish(status);
    expect(shown(status)).toEqual({ queued: 1, bytesTotal: 400, bytesSent: 228 });

    // 'a' is cut off: what it sent is not counted until the server confirms it.
    progress.failed('a');
    progress.publish(status);
    expect(shown(status)).toEqual({ queued: 1, bytesTotal: 400, bytesSent: 100 });

    // Next round: 'a' again and a photo added meanwhile; 'b' stays counted as sent.
    progress.begin([300, 50]);
    progress.publish(status);
    expect(shown(status)).toEqual({ queued: 2, bytesTotal: 450, bytesSent: 100 });
    progress.sent('a', 300);
    progress.finished('a', 300);
    progress.finished('c', 50);
    progress.publish(status);
    expect(shown(status)).toEqual({ queued: 0, bytesTotal: 0, bytesSent: 0 });

    // Once the queue was empty, a new batch starts from zero.
    progress.begin([]);
    progress.begin([10]);
    progress.publish(status);
    expect(shown(status)).toEqual({ queued: 1, bytesTotal: 10, bytesSent: 0 });
  });

  it('never shows more sent than there is to send, whatever is reported twice', () => {
    const status = new SyncStatus();
    const progress = new UploadProgress();
    progress.begin([100]);
    progress.sent('a', 100);
    progress.sent('a', 100);
    progress.publish(status);
    expect(shown(status)).toEqual({ queued: 1, bytesTotal: 100, bytesSent: 100 });
    progress.finished('a', 100);
    progress.finished('a', 100);
    progress.publish(status);
    expect(shown(status).queued).toBe(0);
  });
});
