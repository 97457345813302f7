import type { ServerResponse } from 'node:http';
import { SYNC_STREAM_EVENTS } from '@seal/shared';
import type { UserDoc } from '../couch/model';
import type { UnitTree } from '../auth/scope';
import type { ChangedUnits } from './changeFeed';
import { covers } from './pushContext';

/** Where a stream's user and the organisation tree are read from, fresh for each batch. */
export interface ScopeSource {
  user(id: string): Promise<UserDoc | undefined>;
  tree(): Promise<UnitTree>;
}

/**
 * The open live streams, each with its user, and the rule that picks who hears of a batch: a
 * stream gets a hint only when one of the changed units lies in its user's scope (the subtrees of
 * their grants, as the pull serves them). The user and the tree are read afresh for every batch,
 * so a grant given or revoked, or a unit added, counts from the next change on; a deactivated
 * user's stream is ended.
 */
export class ScopedHints {
  private readonly streams = new Map<ServerResponse, string>();
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly feed: { subscribe(listener: (units: ChangedUnits) => void): () => void },
    private readonly source: ScopeSource,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Adds a stream; the feed runs while at least one stream is open (one listener for them all). */
  add(stream: ServerResponse, userId: string): void {
    this.streams.set(stream, userId);
    this.unsubscribe ??= this.feed.subscribe((units) => this.deliver(units));
  }

  remove(stream: ServerResponse): void {
    this.streams.delete(stream);
    if (this.streams.size > 0) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  /** Every open stream (to end them when the server closes). */
  all(): ServerResponse[] {
    return [...this.streams.keys()];
  }

  /** Hints the streams whose user's scope covers one of `units`. */
  deliver(units: ChangedUnits): void {
    this.deliverNow(units).catch(this.onError);
  }

  private async deliverNow(units: ChangedUnits): Promise<void> {
    if (units.size === 0 || this.streams.size === 0) return;
    const tree = await this.source.tree();
    const users = new Map<string, Promise<UserDoc | undefined>>();
    const userOf = (id: string) => users.get(id) ?? users.set(id, this.source.user(id)).get(id)!;
    const streams = [...this.streams];
    const scoped = await Promise.all(streams.map(async ([stream, userId]) => [stream, await userOf(userId)] as const));
    for (const [stream, user] of scoped) {
      if (stream.writableEnded || stream.destroyed) continue;
      if (user === undefined || !user.active) {
        stream.end();
        continue;
      }
      if ([...units].some((unitId) => covers(user, unitId, tree).ok)) stream.write(`event: ${SYNC_STREAM_EVENTS.changes}\ndata: {}\n\n`);
    }
  }
}
