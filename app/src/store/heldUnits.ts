import type { SealDatabase } from './collections';
import type { LocalBook } from './localBook';

/**
 * The units this replica may hold rows of: every unit of a row pulled, of a row of its own that
 * goes up, and of a server's copy taken in its place, noted before the row is written or sent (so
 * that a crash in between leaves the unit noted, never a row of an unnoted unit). The answer that
 * ends a pull names the scope, and `settle` drops the rows of noted units outside it, whatever the
 * checkpoint says: a checkpoint rolled back (a crash between an answer's rows and its checkpoint,
 * a stale answer delivered again) no longer covers those units, and the server's `left` names
 * only units the checkpoint covered.
 *
 * Each unit is a small value of its own in the book (`<name>/<unit>`), so that two tabs of one
 * store noting units never write over each other's, and every note and settling looks at the
 * book, not at what this tab last read (another tab may have settled meanwhile). Within a tab,
 * notes and settlings run one at a time: a unit noted while a settling runs is noted after it.
 * `<name>` itself marks the note as begun: a replica with no note yet (fresh, or from a version
 * before it) notes the units of every row it holds.
 */
export class HeldUnits {
  readonly #db: SealDatabase;
  readonly #book: LocalBook;
  readonly #name: string;
  #queue: Promise<unknown>;

  constructor(db: SealDatabase, book: LocalBook, name: string) {
    this.#db = db;
    this.#book = book;
    this.#name = name;
    this.#queue = this.#begin();
    this.#queue.catch(() => undefined);
  }

  /** Settles once the note is begun (the rows held noted, the first time); never fails. */
  get ready(): Promise<void> {
    return this.#queue.then(() => undefined, () => undefined);
  }

  #key = (unit: string): string => `${this.#name}/${unit}`;

  async #noted(): Promise<string[]> {
    const prefix = `${this.#name}/`;
    return (await this.#book.statesUnder(prefix)).map((state) => state.name.slice(prefix.length));
  }

  async #begin(): Promise<void> {
    if ((await this.#book.state(this.#name)) === true) return;
    const units = new Set<string>();
    if ((await this.#db.rows.count().exec()) > 0) (await this.#db.rows.find().exec()).forEach((doc) => units.add(doc.scopeUnitId));
    await this.#write([...units]);
    await this.#book.setState(this.#name, true);
  }

  async #write(units: readonly string[]): Promise<void> {
    if (units.length > 0) await this.#book.setStates(units.map((unit) => ({ name: this.#key(unit), value: true })));
  }

  #then<T>(step: () => Promise<T>): Promise<T> {
    // A failed step (the book could not be read or written) does not stop the next one.
    const next = this.#queue.then(step, step);
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Notes the units of rows about to be written or sent (those the book does not hold yet); then
   * runs `write`, if given, before any settling (which would otherwise find none of those rows
   * and forget their units).
   */
  note(units: Iterable<string>, write?: () => Promise<unknown>): Promise<void> {
    const wanted = [...new Set(units)];
    if (wanted.length === 0 && write === undefined) return Promise.resolve();
    return this.#then(async () => {
      const held = await this.#book.statesHeld(wanted.map(this.#key));
      await this.#write(wanted.filter((unit) => !held.has(this.#key(unit))));
      await write?.();
    });
  }

  /**
   * The noted units outside `scope` go to `drop`, which removes their rows and answers the units
   * it kept rows of (the user's own waiting to go up: noted still, they go up and are judged);
   * the others are forgotten. No note is taken while it runs.
   */
  settle(scope: readonly string[], drop: (outside: readonly string[]) => Promise<ReadonlySet<string>>): Promise<void> {
    return this.#then(async () => {
      const inScope = new Set(scope);
      const outside = (await this.#noted()).filter((unit) => !inScope.has(unit)).sort();
      if (outside.length === 0) return;
      const stillHeld = await drop(outside);
      await this.#book.removeStates(outside.filter((unit) => !stillHeld.has(unit)).map(this.#key));
    });
  }
}
