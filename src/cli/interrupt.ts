/** Exit code of a command stopped by Ctrl-C (128 + SIGINT), as shells report it. */
export const INTERRUPTED_EXIT_CODE = 130;

export interface Interruption {
  /** The signal that asked the command to stop, once one did. */
  readonly signal: NodeJS.Signals | undefined;
  /** Stops listening (call when the command ends). */
  dispose(): void;
}

/**
 * Ctrl-C (SIGINT) or SIGTERM asks a long command to stop: `stop` runs once, so
 * the command can finish what is in hand, clean up and report. A second signal
 * while it does so ends the process at once, after `stopNow` (restore the
 * terminal, say what was left undone).
 */
export function onInterrupt(stop: () => void, stopNow: () => void = () => {}): Interruption {
  let received: NodeJS.Signals | undefined;
  const handler = (signal: NodeJS.Signals) => {
    if (received) {
      try {
        stopNow();
      } finally {
        process.exit(INTERRUPTED_EXIT_CODE);
      }
    }
    received = signal;
    stop();
  };
  process.on("SIGINT", handler);
  process.on("SIGTERM", handler);
  return {
    get signal() {
      return received;
    },
    dispose() {
      process.off("SIGINT", handler);
      process.off("SIGTERM", handler);
    },
  };
}
