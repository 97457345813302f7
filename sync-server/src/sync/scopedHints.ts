import type { ServerResponse } from 'node:http';
import { SYNC_STREAM_EVENTS } from '@seal/shared';
import type { UserDoc } from '../couch/model';
import type { UnitTree } from '../auth/scope';
import type { ChangedUnits } from './changeFeed';
import { pushedBy } from './ownRows';
import { covers } from './pushContext';

/** Where a stream's user and the organisation tree are read from, fresh for each batch. */
export interface ScopeSource {
  user(id: string): Promise<UserDoc | undefined>;
  tree(): Promise<UnitTree>;
  /**
   * The roster's version: it moves whenever someone's roles, activity or place in the tree
   * change (on any server instance). Read every `SCOPE_CHECK_MS` while streams are open.
   */
  rosterVersion?(): Promise<number>;
}

/**
 * How often the roster's version is read while streams are open: a role granted or revoked
 * changes no row, so no row hint tells the replicas; a moved version hints every stream, and each
 * replica's next pull brings a unit granted, or drops one revoked, within this long.
 */
export const SCOPE_CHECK_MS = 5_000;

/** Who listens on a stream: the signed-in user, and the replica listening if it said (`?replica=`). */
interface Listener {
  readonly userId: string;
  readonly replica: string | undefined;
}

/**
 * Whether a unit's changes (`origins`: see `ChangedUnits`) hold one the listener does not hold
 * yet: any change when it did not say which replica it is, otherwise one it did not push itself
 * from that replica (its pulls leave out those rows, so a batch of only those would send it to
 * pull for nothing).
 */
const newTo = (origins: ReadonlySet<string | null>, { userId, replica }: Listener): boolean =>
  replica === undefined || origins.size > 1 || !origins.has(pushedBy(userId, replica));

/**
 * The open live streams, each with its user (and replica), and the rule that picks who hears of
 * a batch: a stream gets a hint only when one of the changed units lies in its user's scope (the
 * subtrees of their grants, as the pull serves them) and changed by someone other than the
 * stream's own replica. The user and the tree are read afresh for every batch, so a grant given
 * or revoked, or a unit added, counts from the next change on; a deactivated user's stream is ended.
 */
export class ScopedHints {
  private readonly streams = new Map<ServerResponse, Listener>();
  private unsubscribe: (() => void) | undefined;
  private scopeTimer: ReturnType<typeof setInterval> | undefined;
  private rosterSeen: number | undefined;

  constructor(
    private readonly feed: { subscribe(listener: (units: ChangedUnits) => void): () => void },
    private readonly source: ScopeSource,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Adds a stream; the feed runs while at least one stream is open (one listener for them all). */
  add(stream: ServerResponse, userId: string, replica?: string): void {
    this.streams.set(stream, { userId, replica });
    this.unsubscribe ??= this.feed.subscribe((units) => this.deliver(units));
    if (this.scopeTimer === undefined && this.source.rosterVersion) {
      const check = () => void this.checkScope().catch(this.onError);
      this.scopeTimer = setInterval(check, SCOPE_CHECK_MS);
      this.scopeTimer.unref();
      check();
    }
  }

  remove(stream: ServerResponse): void {
    this.streams.delete(stream);
    if (this.streams.size > 0) return;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    clearInterval(this.scopeTimer);
    this.scopeTimer = undefined;
    this.rosterSeen = undefined;
  }

  /** Hints every open stream when the roster's version moved since it was last read (see `SCOPE_CHECK_MS`). */
  private async checkScope(): Promise<void> {
    const version = await this.source.rosterVersion!();
    const seen = this.rosterSeen;
    this.rosterSeen = version;
    if (seen === undefined || seen === version || this.scopeTimer === undefined) return;
    for (const stream of this.streams.keys()) {
      if (!stream.writableEnded && !stream.destroyed) stream.write(`event: ${SYNC_STREAM_EVENTS.changes}\ndata: {}\n\n`);
    }
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
    const scoped = await Promise.all(streams.map(async ([stream, listener]) => [stream, await userOf(listener.userId), listener] as const));
    for (const [stream, user, listener] of scoped) {
      if (stream.writableEnded || stream.destroyed) continue;
      if (user === undefined || !user.active) {
        stream.end();
        continue;
      }
      if ([...units].some(([unitId, origins]) => newTo(origins, listener) && covers(user, unitId, tree).ok)) stream.write(`event: ${SYNC_STREAM_EVENTS.changes}\ndata: {}\n\n`);
    }
  }
}
