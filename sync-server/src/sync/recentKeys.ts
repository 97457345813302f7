/**
 * Keys noted in the last `windowMs`, at most `capacity` of them (the oldest forgotten first): to do
 * something once per key and window in this process (audit a repeated refusal once, say).
 */
export class RecentKeys {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs: number, private readonly capacity: number) {}

  /** Whether `key` was noted less than the window ago. */
  has(key: string, now: number): boolean {
    const at = this.seen.get(key);
    return at !== undefined && now - at < this.windowMs;
  }

  /** Notes `key` as done at `now` (after the thing done once succeeded). */
  note(key: string, now: number): void {
    this.seen.delete(key);
    this.seen.set(key, now);
    while (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
  }
}
