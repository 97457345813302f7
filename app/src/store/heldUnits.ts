import type { SealDatabase } from './collections';
import type { LocalBook } from './localBook';

/**
 * The units this replica may hold rows of: every unit of a row pulled, or of a row of its own
 * that went up, noted before the row is written or sent (so that a crash in between leaves the
 * unit noted, never a row of an unnoted unit). The answer that ends a pull names the scope, and
 * the replica drops the rows of noted units outside it (`outside`, then `forget`), whatever its
 * checkpoint says: a checkpoint rolled back (a crash between an answer's rows and its checkpoint,
 * a stale answer delivered again) no longer covers those units, and the server's `left` names
 * only units the checkpoint covered.
 *
 * Each unit is a small value of its own in the book (`<name>/<unit>`), so that two tabs of one
 * store noting units at once never write over each other's; `<name>` itself marks the note as
 * begun. A replica with no note yet (fresh, or from a version before it) notes the units of
 * every row it holds.
 */
export class HeldUnits {
  readonly #db: SealDatabase;
  readonly #book: LocalBook;
  readonly #name: string;
  /** The units this tab knows to be noted (the book may hold more: another tab's). */
  readonly #known = new Set<string>();
  readonly #loaded: Promise<void>;

  constructor(db: SealDatabase, book: LocalBook, name: string) {
    this.#db = db;
    this.#book = book;
    this.#name = name;
    this.#loaded = this.#load();
    this.#loaded.catch(() => undefined);
  }

  /** Settles once the note is read (or begun from the rows held); never fails. */
  get ready(): Promise<void> {
    return this.#loaded.catch(() => undefined);
  }

  #key = (unit: string): string => `${this.#name}/${unit}`;

  async #stored(): Promise<string[]> {
    const prefix = `${this.#name}/`;
    return (await this.#book.statesUnder(prefix)).map((state) => state.name.slice(prefix.length));
  }

  async #load(): Promise<void> {
    if ((await this.#book.state(this.#name)) === true) {
      (await this.#stored()).forEach((unit) => this.#known.add(unit));
      return;
    }
    const units = new Set<string>();
    if ((await this.#db.rows.count().exec()) > 0) (await this.#db.rows.find().exec()).forEach((doc) => units.add(doc.scopeUnitId));
    await this.#write([...units]);
    await this.#book.setState(this.#name, true);
  }

  async #write(units: readonly string[]): Promise<void> {
    if (units.length === 0) return;
    await this.#book.setStates(units.map((unit) => ({ name: this.#key(unit), value: true })));
    units.forEach((unit) => this.#known.add(unit));
  }

  /** Notes the units of rows about to be written or sent. */
  async note(units: Iterable<string>): Promise<void> {
    const wanted = [...new Set(units)];
    if (wanted.every((unit) => this.#known.has(unit))) return;
    await this.ready;
    await this.#write(wanted.filter((unit) => !this.#known.has(unit)));
  }

  /** The noted units (by any tab) outside `scope`. */
  async outside(scope: readonly string[]): Promise<string[]> {
    await this.ready;
    const inScope = new Set(scope);
    return [...new Set([...this.#known, ...(await this.#stored())])].filter((unit) => !inScope.has(unit)).sort();
  }

  /** Forgets units whose rows went (those kept — waiting to go up, refused — are the user's own, and noted again if they go up). */
  async forget(units: readonly string[]): Promise<void> {
    if (units.length === 0) return;
    await this.#book.removeStates(units.map(this.#key));
    units.forEach((unit) => this.#known.delete(unit));
  }
}
