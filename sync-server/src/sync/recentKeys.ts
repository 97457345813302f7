/**
 * Keys seen in the last `windowMs`, at most `capacity` of them (the oldest forgotten first): to do
 * something once per key and window in this process (audit a repeated refusal once, say).
 */
export class RecentKeys {
  private readonly seen = new Map<string, number>();

  constructor(private readonly windowMs: number, private readonly capacity: number) {}

  /** True the first time `key` is seen in the window (and it is noted); false while it is remembered. */
  firstIn(key: string, now: number): boolean {
    const at = this.seen.get(key);
    if (at !== undefined && now - at < this.windowMs) return false;
    this.seen.delete(key);
    this.seen.set(key, now);
    while (this.seen.size > this.capacity) this.seen.delete(this.seen.keys().next().value as string);
    return true;
  }
}
