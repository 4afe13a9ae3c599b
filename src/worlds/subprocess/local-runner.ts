/**
 * The local command runner (contract section 11): each attempt is one process started with
 * execa 9 from an argv (never a shell), the attempt's JSON on stdin, `detached` so it leads its
 * own process group. On timeout the whole group gets SIGTERM, then SIGKILL after the grace
 * period; when the command exits, whatever it left running in its group is SIGKILLed, so no
 * grandchild outlives its attempt. stdout and stderr are kept up to a byte cap each
 * ({@link ByteCap}); the rest is read and dropped.
 */
import { execa } from 'execa';
import type { Readable } from 'node:stream';
import { ByteCap } from './output-cap.ts';
import { LIVE_PROCESS_GROUPS, signalGroup } from './process-groups.ts';
import type { ProcessGroups } from './process-groups.ts';
import type { AttemptPayload, CommandOutcome, CommandRunner, CommandSpec } from './runner.ts';

/** What the local runner reads from its surroundings (tests inject fakes). */
export interface LocalRunnerDeps {
  /** A monotonic clock, milliseconds; default `performance.now`. */
  readonly nowMs?: () => number;
  /** Where live groups are registered; default {@link LIVE_PROCESS_GROUPS}. */
  readonly groups?: ProcessGroups;
}

/** One running command, as {@link LocalCommandRunner.close} sees it. */
interface LiveCommand {
  /** SIGTERM to the group now, SIGKILL after `graceS` unless it ended. */
  terminate(graceS: number): void;
  /** Settles when the process is reaped. */
  readonly ended: Promise<unknown>;
  readonly killGraceS: number;
}

/** The runner was used after {@link LocalCommandRunner.close}: a bug of the caller. */
export class RunnerClosedError extends Error {
  override readonly name = 'RunnerClosedError';
}

/** Runs commands as local processes (execa 9). */
export class LocalCommandRunner implements CommandRunner {
  readonly name = 'local';
  readonly #live = new Set<LiveCommand>();
  readonly #nowMs: () => number;
  readonly #groups: ProcessGroups;
  #closed = false;

  constructor(deps: LocalRunnerDeps = {}) {
    this.#nowMs = deps.nowMs ?? (() => performance.now());
    this.#groups = deps.groups ?? LIVE_PROCESS_GROUPS;
  }

  /** Processes running now. */
  get running(): number {
    return this.#live.size;
  }

  /**
   * Runs `spec.command` with `payload` as one JSON line on stdin and waits until the process
   * (and its group) is reaped.
   * @returns the outcome; a command that cannot be started (no such program) is a failed
   *   outcome with exit code null and the reason in `stderr`
   * @throws the abort reason of `signal` once the group it ended is reaped (SIGTERM, then
   *   SIGKILL after `killGraceS`); {@link RunnerClosedError} after `close()`
   */
  async run(spec: CommandSpec, payload: AttemptPayload, signal: AbortSignal): Promise<CommandOutcome> {
    if (this.#closed) throw new RunnerClosedError('the local command runner is closed');
    signal.throwIfAborted();
    const [file, ...args] = spec.command;
    if (file === undefined) throw new RangeError('empty command');
    const startedMs = this.#nowMs();
    const child = execa(file, args, {
      input: `${JSON.stringify(payload)}\n`,
      env: { ...spec.env },
      extendEnv: true,
      detached: true,
      cleanup: false,
      buffer: false,
      reject: false,
      stdout: 'pipe',
      stderr: 'pipe',
    });
    const out = new ByteCap(spec.maxOutputBytes);
    const err = new ByteCap(spec.maxOutputBytes);
    capture(child.stdout, out);
    capture(child.stderr, err);
    const pgid = child.pid;
    // Set by the exit listener (a holder, so the compiler does not narrow it to null).
    const exited: { atMs: number | null } = { atMs: null };
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    const terminate = (graceS: number): void => {
      if (pgid === undefined || exited.atMs !== null) return;
      signalGroup(pgid, 'SIGTERM');
      killTimer ??= setTimeout(() => {
        if (exited.atMs === null) signalGroup(pgid, 'SIGKILL');
      }, graceS * 1000);
    };
    if (pgid !== undefined) {
      this.#groups.add(pgid);
      child.once('exit', () => {
        exited.atMs = this.#nowMs();
        // Whatever the command left behind in its group goes with it.
        signalGroup(pgid, 'SIGKILL');
      });
    }
    const timeout = setTimeout(() => {
      timedOut = true;
      terminate(spec.killGraceS);
    }, spec.timeoutS * 1000);
    const onAbort = (): void => {
      terminate(spec.killGraceS);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    const live: LiveCommand = { terminate, ended: child, killGraceS: spec.killGraceS };
    this.#live.add(live);
    try {
      const result = await child;
      const endMs = exited.atMs ?? this.#nowMs();
      signal.throwIfAborted();
      const exitCode = typeof result.exitCode === 'number' ? result.exitCode : null;
      const spawnFailure = exitCode === null && result.signal === undefined ? `cannot run ${JSON.stringify(file)}: ${result.originalMessage || result.shortMessage}\n` : '';
      return {
        succeeded: exitCode === 0 && !timedOut,
        exitCode,
        signal: result.signal ?? null,
        timedOut,
        stdout: out.text(),
        stderr: spawnFailure + err.text(),
        outputTruncated: out.truncated || err.truncated,
        durationS: Math.max(0, endMs - startedMs) / 1000,
      };
    } finally {
      clearTimeout(timeout);
      clearTimeout(killTimer);
      signal.removeEventListener('abort', onAbort);
      this.#live.delete(live);
      if (pgid !== undefined) this.#groups.delete(pgid);
    }
  }

  /**
   * Ends every running command (SIGTERM to its group, SIGKILL after its grace period) and waits
   * until each is reaped; later `run` calls throw. Idempotent.
   */
  async close(): Promise<void> {
    this.#closed = true;
    const live = [...this.#live];
    for (const command of live) command.terminate(command.killGraceS);
    await Promise.allSettled(live.map((c) => c.ended));
  }
}

/** Feeds `stream` into `cap`; a stream error (the pipe broke) just ends the capture. */
function capture(stream: Readable | null, cap: ByteCap): void {
  if (stream === null) return;
  stream.on('data', (chunk: Buffer) => {
    cap.push(chunk);
  });
  stream.on('error', () => undefined);
}
