import { batch, createSignal } from 'solid-js';
import { stampErrorCode } from './stampErrorCode';
import { nextStampPhase, type StampEvent, type StampPhase } from './stampPhases';

/** What an action does to the phase: the event that starts it (refused: the action does not run), and those that end it. */
export interface ActionEvents {
  readonly start?: StampEvent;
  readonly done?: StampEvent;
  readonly failed?: StampEvent;
}

/**
 * The session's phase, moved only as `STAMP_TRANSITIONS` allows, and the person's actions run
 * against it: each shows its failure (as a code, with the failure behind it for the words).
 */
export function createStampControl(readAgain: () => Promise<void>) {
  const [phase, setPhase] = createSignal<StampPhase>('idle');
  const [error, setErrorCode] = createSignal<string>();
  /** The failure behind `error`, for the words (a server refusal carries its own message). */
  const [failure, setFailure] = createSignal<unknown>();

  const setError = (code: string | undefined, cause?: unknown): void => {
    batch(() => {
      setErrorCode(code);
      setFailure(cause);
    });
  };
  /** Moves the phase by the table; `false` (and no move) when the table refuses the event here. */
  const dispatch = (event: StampEvent): boolean => {
    const next = nextStampPhase(phase(), event);
    if (next !== undefined) setPhase(next);
    return next !== undefined;
  };
  /** Runs one of the person's actions: its error is shown, and the device read again after a failure. */
  async function act(step: () => Promise<void>, on: ActionEvents = {}): Promise<void> {
    if (on.start !== undefined && !dispatch(on.start)) return;
    setError(undefined);
    try {
      await step();
      if (on.done !== undefined) dispatch(on.done);
    } catch (err) {
      setError(stampErrorCode(err), err);
      if (on.failed !== undefined) dispatch(on.failed);
      await readAgain();
    }
  }
  return { phase, error, failure, setError, dispatch, act };
}
