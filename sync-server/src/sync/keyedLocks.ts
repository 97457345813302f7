/**
 * Tasks that run one at a time per key, within this server process: a task holding keys a and b
 * waits for every earlier task holding a or b, and runs beside tasks holding neither. All of a
 * task's keys are taken at once, in the order tasks arrive, so two tasks never wait for each
 * other.
 */
export class KeyedLocks {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(keys: Iterable<string>, task: () => Promise<T>): Promise<T> {
    const held = [...new Set(keys)];
    let release!: () => void;
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    const earlier = held.map((key) => {
      const before = this.tails.get(key) ?? Promise.resolve();
      this.tails.set(key, done);
      return before;
    });
    try {
      await Promise.all(earlier);
      return await task();
    } finally {
      release();
      for (const key of held) if (this.tails.get(key) === done) this.tails.delete(key);
    }
  }

  /** Keys held or waited for now (for tests: none once every task ended). */
  get size(): number {
    return this.tails.size;
  }
}

/**
 * The lock key of one subject (`seal:<id>`, `request:<id>`…): what a push of rows about it and the
 * server's own write about it (a governance request carried out) both hold while they judge and
 * write, so that neither is judged without the other.
 */
export const subjectLockKey = (subject: string): string => `subject:${subject}`;

/**
 * What a pushed batch is judged against and writes, as keys: each row's subject (the record it
 * changes, the request a grant, decision or impression is about, the seal a move is of, the
 * device whose log an entry extends — validation holds each row to the subject its body names),
 * read from the rows as sent (judging has not begun). Two batches that share none read and write
 * nothing of each other's judgement.
 */
export function pushLockKeys(rows: readonly unknown[]): string[] {
  const keys = new Set<string>();
  for (const row of rows) {
    if (row === null || typeof row !== 'object') continue;
    const { subject } = row as { subject?: unknown };
    if (typeof subject === 'string' && subject.length <= 300) keys.add(subjectLockKey(subject));
  }
  return [...keys];
}
