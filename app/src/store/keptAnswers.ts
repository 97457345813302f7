import type { LocalBook } from './localBook';

/** An answer of the server kept on this device, with the moment it was fetched. */
export interface KeptAnswer {
  /** What was asked (a view and its query string), as the caller named it. */
  readonly key: string;
  readonly fetchedAt: number;
  readonly value: unknown;
}

const PREFIX = 'kept:';
/** Answers kept per group (`hq-log`, `hq-dashboard`): the most recently fetched win. */
const KEEP_PER_GROUP = 12;

/**
 * The last answers of read-only views (headquarters' log and dashboard), kept in the local store
 * so that the same view can still be read offline or while the server cannot be reached. Values
 * are plain JSON; the caller parses what it reads back (an older app may have written it).
 * Keys are `group?query`: each group keeps its {@link KEEP_PER_GROUP} latest answers.
 */
export class KeptAnswers {
  constructor(private readonly book: LocalBook) {}

  /** Keeps `value` as the answer to `key`, fetched at `fetchedAt`; drops the group's oldest beyond the bound. */
  async keep(group: string, key: string, value: unknown, fetchedAt: number): Promise<void> {
    await this.book.setState(`${PREFIX}${group}?${key}`, { fetchedAt, value });
    const kept = await this.inGroup(group);
    await this.book.removeStates(kept.slice(KEEP_PER_GROUP).map((answer) => `${PREFIX}${group}?${answer.key}`));
  }

  /** The answer kept for `key`, if any. */
  async get(group: string, key: string): Promise<KeptAnswer | undefined> {
    return readKept(key, await this.book.state(`${PREFIX}${group}?${key}`));
  }

  /** Every answer kept in `group`, latest first. */
  async inGroup(group: string): Promise<KeptAnswer[]> {
    const start = `${PREFIX}${group}?`;
    const states = await this.book.statesUnder(start);
    return states
      .map((state) => readKept(state.name.slice(start.length), state.value))
      .filter((answer): answer is KeptAnswer => answer !== undefined)
      .sort((a, b) => b.fetchedAt - a.fetchedAt);
  }
}

function readKept(key: string, stored: unknown): KeptAnswer | undefined {
  if (typeof stored !== 'object' || stored === null) return undefined;
  const { fetchedAt, value } = stored as { fetchedAt?: unknown; value?: unknown };
  return typeof fetchedAt === 'number' ? { key, fetchedAt, value } : undefined;
}
