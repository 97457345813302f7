import { createSignal, type Accessor } from 'solid-js';

export interface Action<A extends unknown[], R> {
  /** Runs the action unless it is already running; resolves with its result, or `undefined` if it failed. */
  readonly run: (...args: A) => Promise<R | undefined>;
  readonly pending: Accessor<boolean>;
  /** The last failure, kept until the next run or {@link Action.clearError}. */
  readonly error: Accessor<unknown>;
  readonly clearError: () => void;
}

/**
 * A button's work: one run at a time, a pending flag for the button and progress, and the
 * failure as a value the screen shows (never an unhandled rejection).
 */
export function createAction<A extends unknown[], R>(work: (...args: A) => Promise<R>): Action<A, R> {
  const [pending, setPending] = createSignal(false);
  const [error, setError] = createSignal<unknown>();
  const run = async (...args: A): Promise<R | undefined> => {
    if (pending()) return undefined;
    setPending(true);
    setError(undefined);
    try {
      return await work(...args);
    } catch (err) {
      setError(() => err);
      return undefined;
    } finally {
      setPending(false);
    }
  };
  return { run, pending, error, clearError: () => setError(undefined) };
}
