/**
 * Cancel on SIGINT and SIGTERM (contract section 12): the first signal aborts an
 * AbortController with the signal's name as its reason, so the run stops after the checkpoint
 * of the wave under way; a second one, while the run is still canceling, ends the process at
 * once with the exit code of the first (the run's files are whole: they are written
 * atomically).
 */
import { EXIT } from '../errors.ts';
import type { ExitCode } from '../errors.ts';
import type { CancelSignal, SignalPort } from './io.ts';

/** 130 for SIGINT, 143 for SIGTERM (128 + the signal number). */
export function exitCodeOfSignal(signal: CancelSignal): ExitCode {
  return signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm;
}

/** What the command is told, to print a line (the progress bar may need closing first). */
export interface CancelHooks {
  /** The first signal: the run is asked to stop. */
  onCancel(signal: CancelSignal): void;
  /** A second signal: the process ends right after this returns. */
  onForce(signal: CancelSignal, first: CancelSignal): void;
}

/** Handlers installed for the duration of a run. */
export interface Cancellation {
  /** Pass as `RunEnvironment.signal`; its `reason` is the first signal's name. */
  readonly signal: AbortSignal;
  /** The first signal received, or null. */
  readonly received: () => CancelSignal | null;
  /**
   * Lets a signal that arrived while the run held the event loop reach its handler (a full
   * turn of the loop), then removes the handlers; idempotent. Without the turn such a signal would
   * be lost: Node delivers signals between turns, and a run that never yields gets none.
   */
  close(): Promise<void>;
}

const SIGNALS: readonly CancelSignal[] = ['SIGINT', 'SIGTERM'];

/**
 * Installs SIGINT and SIGTERM handlers on `port` (none when `port` is undefined: the signal
 * then never fires). Call {@link Cancellation.close} when the run ends.
 */
export function watchSignals(port: SignalPort | undefined, hooks: CancelHooks): Cancellation {
  const controller = new AbortController();
  let first: CancelSignal | null = null;
  const listeners = new Map<CancelSignal, () => void>();
  for (const name of SIGNALS) {
    const listener = (): void => {
      if (first === null) {
        first = name;
        hooks.onCancel(name);
        controller.abort(name);
        return;
      }
      hooks.onForce(name, first);
      port?.exitNow(exitCodeOfSignal(first));
    };
    listeners.set(name, listener);
    port?.on(name, listener);
  }
  let closed = false;
  return {
    signal: controller.signal,
    received: () => first,
    close: async () => {
      if (closed) return;
      closed = true;
      // Two check phases: whatever phase the run ended in, a poll phase (where libuv reads
      // pending signals and Node calls their listeners) runs between them.
      await new Promise((resolve) => setImmediate(resolve));
      await new Promise((resolve) => setImmediate(resolve));
      for (const [name, listener] of listeners) port?.off(name, listener);
    },
  };
}
