/**
 * The command-line entry (contract section 9): `npm run phase -- [options]`.
 *
 * {@link main} does everything and touches the process only through its `io` argument; the
 * block at the bottom, run only when this file is the entry script, is the one place that
 * reads `process`.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { EXIT, ExitError, InputError, UsageError, formatDiagnostics } from '../errors.ts';
import type { ExitCode } from '../errors.ts';
import { crashingFs, NODE_OUTPUT_FS, type OutputFs } from '../io/output-fs.ts';
import type { RunOptions } from '../options.ts';
import { runPhase21 } from '../pipeline.ts';
import type { RunEnvironment, RunResult } from '../pipeline.ts';
import type { WallClock } from '../ports.ts';
import { parseCommandLine } from './args.ts';
import { helpText, versionText } from './help.ts';
import { createProgress } from './progress.ts';
import type { CliProgress, TextStream } from './progress.ts';
import { closingLine, jsonResultLine, minHealthFailure } from './render.ts';

/** The process as {@link main} sees it; tests pass fakes. */
export interface CliIo {
  /** Help, version and `--json` output. */
  readonly stdout: TextStream;
  /** Progress, warnings, the closing line and errors. */
  readonly stderr: TextStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stderr is a terminal (picks the progress bar). */
  readonly isTTY: boolean;
  /** Monotonic milliseconds, for throttling the progress bar. */
  readonly now: () => number;
  /** Called once with the exit code just before {@link main} resolves, when given. */
  readonly exit?: (code: ExitCode) => void;
}

/** Replaceable collaborators of {@link main}; the defaults are the real ones. */
export interface CliDeps {
  /** The run itself; default {@link runPhase21}. */
  readonly run?: (options: RunOptions, env: RunEnvironment) => Promise<RunResult>;
  /** Wall clock for run.json; default `new Date()`. */
  readonly wallClock?: WallClock;
  /** Version string; default package.json's `version`. */
  readonly version?: string;
  /** Cancels the run (the entry block wires SIGINT and SIGTERM to it). */
  readonly signal?: AbortSignal;
  /** The writing layer's file-system calls (the entry block's crash hook); default node:fs. */
  readonly outputFs?: OutputFs;
}

/** The line printed after a usage error. */
export const USAGE_HINT = 'Run with --help for usage.';
/** The prefix of an internal error's message. */
export const INTERNAL_ERROR_PREFIX = 'internal error (this is a bug, please report it): ';

const SYSTEM_CLOCK: WallClock = { now: () => new Date() };

/**
 * Reads `version` from the package.json two folders above this file.
 * @throws Error when the file is missing or has no string `version` (exit 3 through main).
 */
export function readPackageVersion(): string {
  const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return z.object({ version: z.string().min(1) }).parse(JSON.parse(text)).version;
}

/**
 * Runs the command line `argv` (the arguments after the script) and returns the exit code:
 * 0 finished (or help/version printed), 1 finished with health below `--min-health`, 2 usage,
 * input or output-location error, 3 internal error, 4 aborted by `--abort-on-failure-rate`,
 * 130/143 canceled by SIGINT/SIGTERM (`deps.signal`'s reason). Never throws; never prints a stack trace except for an
 * internal error under `--debug`.
 */
export async function main(argv: readonly string[], io: CliIo, deps: CliDeps = {}): Promise<ExitCode> {
  const code = await execute(argv, io, deps);
  io.exit?.(code);
  return code;
}

async function execute(argv: readonly string[], io: CliIo, deps: CliDeps): Promise<ExitCode> {
  // Until the options parse, --debug is looked for by hand so a bug in parsing still honours it.
  let debug = argv.includes('--debug');
  let progress: CliProgress | null = null;
  try {
    const command = parseCommandLine(argv);
    if (command.kind === 'help') {
      io.stdout.write(helpText());
      return EXIT.ok;
    }
    const version = deps.version ?? readPackageVersion();
    if (command.kind === 'version') {
      io.stdout.write(versionText(version));
      return EXIT.ok;
    }
    const { options } = command;
    debug = options.debug;
    progress = createProgress({ stream: io.stderr, isTTY: io.isTTY, env: io.env, quiet: options.quiet, now: io.now });
    const run = deps.run ?? runPhase21;
    const env = { clock: deps.wallClock ?? SYSTEM_CLOCK, progress, version };
    const result = await run(options, { ...env, ...(deps.signal === undefined ? {} : { signal: deps.signal }), ...(deps.outputFs === undefined ? {} : { outputFs: deps.outputFs }) });
    progress.finish();
    // Until the commander CLI (issue 6) takes this over: aborted -> 4, canceled -> 128 + signal.
    if (result.status === 'aborted' || result.status === 'canceled') {
      if (!options.quiet) io.stderr.write(`${closingLine(result)}\n`);
      if (options.json) io.stdout.write(jsonResultLine(result));
      if (result.status === 'aborted') return EXIT.aborted;
      return deps.signal?.reason === 'SIGTERM' ? EXIT.sigterm : EXIT.sigint;
    }
    const failure = minHealthFailure(result, options.minHealth);
    if (failure !== null) io.stderr.write(`${failure}: exit code ${EXIT.unhealthy}\n`);
    if (!options.quiet) io.stderr.write(`${closingLine(result)}\n`);
    if (options.json) io.stdout.write(jsonResultLine(result));
    return failure === null ? EXIT.ok : EXIT.unhealthy;
  } catch (error: unknown) {
    progress?.finish();
    return reportError(error, io.stderr, debug);
  }
}

/** Prints `error` the way its class asks for and returns its exit code. */
function reportError(error: unknown, stderr: TextStream, debug: boolean): ExitCode {
  if (error instanceof UsageError) {
    stderr.write(`${error.message}\n${USAGE_HINT}\n`);
    return EXIT.usage;
  }
  if (error instanceof InputError) {
    const lines = formatDiagnostics(error.diagnostics);
    const count = error.diagnostics.length;
    // The diagnostics are printed above; the summary only counts them.
    const summary = count === 0 ? error.message : `${count} error${count === 1 ? '' : 's'} in the input`;
    lines.push(`input error: ${summary}; nothing was written`);
    stderr.write(`${lines.join('\n')}\n`);
    return EXIT.usage;
  }
  if (error instanceof ExitError && error.exitCode !== EXIT.internal) {
    stderr.write(`${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`${INTERNAL_ERROR_PREFIX}${message}\n`);
  if (debug && error instanceof Error && error.stack !== undefined) stderr.write(`${error.stack}\n`);
  return EXIT.internal;
}

/** True when `scriptPath` (process.argv[1]) is this module, following symlinks (npm bin links). */
export function isEntryPoint(moduleUrl: string, scriptPath: string | undefined): boolean {
  if (scriptPath === undefined) return false;
  try {
    return realpathSync(scriptPath) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

// The only code that touches `process`.
if (isEntryPoint(import.meta.url, process.argv[1])) {
  const cancel = new AbortController();
  for (const name of ['SIGINT', 'SIGTERM'] as const) {
    process.once(name, () => {
      cancel.abort(name);
    });
  }
  // The crash test (scripts/crash.ts): SIGKILL at the N-th call of the writing layer.
  const crashAt = Number(process.env.PHASE21_CRASH_AT ?? '');
  const outputFs =
    Number.isSafeInteger(crashAt) && crashAt > 0
      ? crashingFs(NODE_OUTPUT_FS, crashAt, () => {
          process.kill(process.pid, 'SIGKILL');
          throw new Error('SIGKILL did not end the process');
        })
      : undefined;
  const code = await main(
    process.argv.slice(2),
    {
      stdout: process.stdout,
      stderr: process.stderr,
      env: process.env,
      isTTY: process.stderr.isTTY, // typed boolean; undefined (falsy) at run time off a terminal
      now: () => performance.now(),
    },
    { signal: cancel.signal, ...(outputFs === undefined ? {} : { outputFs }) },
  );
  process.exitCode = code;
}
