/**
 * The process as the CLI sees it: streams, environment, clock, signals and exit, all passed
 * in by the entry (src/cli/main.ts), the one module that reads `process`. Tests pass fakes.
 */
import picocolors from 'picocolors';
import type { ExitCode } from '../errors.ts';
import type { SelfCommand } from '../tournament/launcher.ts';

/** picocolors' formatters (`colors.bold(text)`), on or off. */
export type Colors = ReturnType<typeof picocolors.createColors>;

/** Where text goes: `process.stdout`/`process.stderr` or a test's collector. */
export interface TextStream {
  write(chunk: string): unknown;
  /** The terminal's width in columns, when the stream is a terminal. */
  readonly columns?: number;
}

/** The two signals that cancel a run (contract section 12). */
export type CancelSignal = 'SIGINT' | 'SIGTERM';

/** Signal delivery, and the way out for a second signal. */
export interface SignalPort {
  on(signal: CancelSignal, listener: () => void): unknown;
  off(signal: CancelSignal, listener: () => void): unknown;
  /** Ends the process at once with `code` (a second signal while the run is canceling). */
  exitNow(code: ExitCode): void;
}

/** What a command may touch. */
export interface CliIo {
  /** Help, version and `--json` output. */
  readonly stdout: TextStream;
  /** Progress, warnings, the closing line and errors. */
  readonly stderr: TextStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stderr is a terminal (picks the progress bar and colour). */
  readonly isTTY: boolean;
  /** Monotonic milliseconds: progress throttling, rate, ETA and elapsed time. */
  readonly now: () => number;
  /** Called once with the exit code just before `main` resolves, when given. */
  readonly exit?: (code: ExitCode) => void;
  /** SIGINT/SIGTERM, when the process has them to give (the entry); absent in most tests. */
  readonly signals?: SignalPort;
  /** How to start this program again (`npm run tournament` runs each replication so); the entry fills it. */
  readonly self?: SelfCommand;
}

/**
 * Whether text for a stream may carry ANSI colour: off when `NO_COLOR` is set to anything but
 * the empty string (no-color.org); else on when `FORCE_COLOR` is set, unless to `0` or
 * `false`; else on for a terminal whose `TERM` is not `dumb`.
 */
export function colorEnabled(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  const no = env.NO_COLOR;
  if (no !== undefined && no !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  // Never `isTTY && ...`: off a terminal Node leaves isTTY undefined, and picocolors'
  // createColors(undefined) falls back to its own detection, which turns colour on under CI.
  if (!isTTY) return false;
  return env.TERM !== 'dumb';
}

/** picocolors' formatters, on or off per {@link colorEnabled}. */
export function colorsFor(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): Colors {
  return picocolors.createColors(colorEnabled(env, isTTY));
}

/** True when the environment says it is CI: `CI` set to anything but ``, `0` or `false`. */
export function isCiEnvironment(env: Readonly<Record<string, string | undefined>>): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}
