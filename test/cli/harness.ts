/** Fakes of the process for `main`: collecting streams, a hand-moved clock, a signal port, a run. */
import { EventEmitter } from 'node:events';
import { main, type CliDeps, type CliIo, type SignalPort } from '../../src/cli/main.ts';
import type { CancelSignal } from '../../src/cli/io.ts';
import type { ExitCode } from '../../src/errors.ts';
import type { RunOptions } from '../../src/options.ts';
import type { RunEnvironment, RunResult } from '../../src/pipeline.ts';
import { COMPLETED } from './fixtures.ts';

/** A signal port on an EventEmitter: `send('SIGINT')` delivers, `exits` records exitNow calls. */
export class FakeSignals implements SignalPort {
  readonly exits: ExitCode[] = [];
  private readonly emitter = new EventEmitter();
  on(signal: CancelSignal, listener: () => void): void {
    this.emitter.on(signal, listener);
  }
  off(signal: CancelSignal, listener: () => void): void {
    this.emitter.off(signal, listener);
  }
  exitNow(code: ExitCode): void {
    this.exits.push(code);
  }
  send(signal: CancelSignal): void {
    this.emitter.emit(signal);
  }
  listeners(): number {
    return this.emitter.listenerCount('SIGINT') + this.emitter.listenerCount('SIGTERM');
  }
}

export interface Harness {
  readonly io: CliIo;
  readonly stdout: () => string;
  readonly stderr: () => string;
  readonly exits: ExitCode[];
  readonly signals: FakeSignals;
  /** Moves the monotonic clock to `ms`. */
  readonly setTime: (ms: number) => void;
}

/** Fake process: not a terminal, empty environment, clock at 0, a fake signal port. */
export function harness(options: { isTTY?: boolean; env?: Record<string, string>; columns?: number } = {}): Harness {
  const out: string[] = [];
  const err: string[] = [];
  const exits: ExitCode[] = [];
  const signals = new FakeSignals();
  let t = 0;
  return {
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s), ...(options.columns === undefined ? {} : { columns: options.columns }) },
      env: options.env ?? {},
      isTTY: options.isTTY ?? false,
      now: () => t,
      exit: (code) => exits.push(code),
      signals,
    },
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    exits,
    signals,
    setTime: (ms) => {
      t = ms;
    },
  };
}

/** A call the fake run received. */
export interface RunCall {
  readonly options: RunOptions;
  readonly env: RunEnvironment;
}

/**
 * A fake run that records its arguments, reports a load stage and wave 1 of 3 (2502 tasks),
 * and returns `result` (or rejects with `error`). With `untilSignal`, it waits for
 * `env.signal` to abort before finishing wave 1, and returns `result`.
 */
export function fakeRun(outcome: { result?: RunResult; error?: unknown; untilSignal?: boolean } = {}): {
  run: NonNullable<CliDeps['run']>;
  calls: RunCall[];
  /** Resolves when the run is called (the CLI's signal handlers are installed by then). */
  started: Promise<void>;
} {
  const calls: RunCall[] = [];
  let markStarted = (): void => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  const run: NonNullable<CliDeps['run']> = async (options, env) => {
    calls.push({ options, env });
    markStarted();
    env.progress.stage('load', 'reading input');
    env.progress.waveStarted(1, 1, 3, 2502);
    // eslint-disable-next-line @typescript-eslint/only-throw-error -- one test rejects with a non-Error on purpose
    if (outcome.error !== undefined) throw outcome.error;
    if (outcome.untilSignal === true) {
      const signal = env.signal;
      if (signal === undefined) throw new Error('no signal passed to the run');
      await new Promise<void>((resolve) => {
        signal.addEventListener('abort', () => {
          resolve();
        });
      });
    }
    env.progress.waveFinished(1, { successRate: 0.712, health: 64.1, makespanS: 1234.5 });
    return outcome.result ?? COMPLETED;
  };
  return { run, calls, started };
}

/** The options `main(argv)` passes to the run (it must reach the run). */
export async function optionsOf(argv: readonly string[]): Promise<RunOptions> {
  const h = harness();
  const fake = fakeRun();
  const code = await main(argv, h.io, { run: fake.run, version: '1' });
  const call = fake.calls[0];
  if (code !== 0 || call === undefined) throw new Error(`exit ${code}: ${h.stderr()}`);
  return call.options;
}
