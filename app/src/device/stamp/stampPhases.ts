/** Where a stamping session stands with its device. */
export type StampPhase = 'idle' | 'connecting' | 'connected' | 'confirming' | 'unlocked';

export const STAMP_PHASES: readonly StampPhase[] = ['idle', 'connecting', 'connected', 'confirming', 'unlocked'];

/** What can happen to a stamping session: the person's acts, the device's answers, what polling sees. */
export type StampEvent =
  /** The person asks for a link (Bluetooth chooser or simulated device). */
  | 'connect'
  /** The device answered on the new link: its identity is read. */
  | 'linked'
  /** The chooser was cancelled, or the link failed before the device answered. */
  | 'link_failed'
  /** The person asks to unlock: the passkey prompt is up. */
  | 'unlock'
  /** The device accepted the unlock. */
  | 'unlocked'
  /** The prompt was cancelled, or the device refused the unlock. */
  | 'unlock_failed'
  /** The device accepted the lock command. */
  | 'locked'
  /** Polling read the device's status: unlocked. */
  | 'seen_unlocked'
  /** Polling read the device's status: locked. */
  | 'seen_locked'
  /** The person (or the screen going away) closes the link. */
  | 'disconnect';

export const STAMP_EVENTS: readonly StampEvent[] = [
  'connect', 'linked', 'link_failed', 'unlock', 'unlocked', 'unlock_failed', 'locked', 'seen_unlocked', 'seen_locked', 'disconnect',
];

/**
 * The stamping phases as data: for each phase, the events it accepts and the phase each leads to.
 * Anything not listed is refused (`nextStampPhase` returns `undefined`) and the session stays put.
 *
 * Decisions:
 * - The device's own status wins: polling that sees it unlocked moves `connected` and `confirming`
 *   to `unlocked` (another tablet, or an unlock whose answer was lost), and seeing it locked moves
 *   `unlocked` back to `connected` (the device locks itself when the uses or the window run out).
 * - While the passkey prompt is up (`confirming`) a locked status changes nothing: the device is
 *   locked until it accepts the unlock.
 * - Nothing is seen while `idle` or `connecting`: a read that lands after the link closed is stale.
 * - `disconnect` is accepted everywhere and always ends in `idle`.
 */
export const STAMP_TRANSITIONS: Readonly<Record<StampPhase, Partial<Readonly<Record<StampEvent, StampPhase>>>>> = {
  idle: { connect: 'connecting', disconnect: 'idle' },
  connecting: { linked: 'connected', link_failed: 'idle', disconnect: 'idle' },
  connected: { unlock: 'confirming', seen_unlocked: 'unlocked', seen_locked: 'connected', disconnect: 'idle' },
  confirming: { unlocked: 'unlocked', unlock_failed: 'connected', seen_unlocked: 'unlocked', seen_locked: 'confirming', disconnect: 'idle' },
  unlocked: { locked: 'connected', seen_unlocked: 'unlocked', seen_locked: 'connected', disconnect: 'idle' },
};

/** The phase `event` leads to from `phase`, or `undefined` when the table refuses it. */
export function nextStampPhase(phase: StampPhase, event: StampEvent): StampPhase | undefined {
  return STAMP_TRANSITIONS[phase][event];
}
