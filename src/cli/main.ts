/**
 * The command-line entry (contract sections 9 and 12): `npm run phase -- [options]`, which
 * runs `node dist/cli/main.js phase [options]` (the build of scripts/build.ts; `npm run dev` runs
 * this file through tsx); the commands are registered in
 * src/cli/commands/index.ts.
 *
 * {@link main} does everything and touches the process only through its `io` argument; the
 * block at the bottom, run only when this file is the entry script, is the one place that
 * reads `process`: streams, environment, clock, SIGINT/SIGTERM and the exit code. `phase` runs
 * in its own worker thread under a heap budget (src/cli/thread.ts): this module is that
 * thread's entry too, and there fills `io` from messages of the main thread.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import type { ExitCode } from '../errors.ts';
import { crashingFs, NODE_OUTPUT_FS } from '../io/output-fs.ts';
import { projectPath } from '../io/project.ts';
import { spawnWorker } from '../util/worker.ts';
import { LIVE_PROCESS_GROUPS } from '../worlds/subprocess/process-groups.ts';
import { COMMANDS, DEFAULT_COMMAND } from './commands/index.ts';
import { reportError } from './failure.ts';
import type { CancelSignal, CliIo, TextStream } from './io.ts';
import { runProgram } from './program.ts';
import { heapBudget, hostThread, inputFolderOf, inputFolderSizes, runsInThread, threadIo } from './thread.ts';
import type { ThreadData } from './thread.ts';
import type { CliDeps } from './program.ts';

export type { CliIo, SignalPort, TextStream } from './io.ts';
export type { CliDeps } from './program.ts';
export { INTERNAL_ERROR_PREFIX, USAGE_HINT } from './failure.ts';

/**
 * Reads `version` from the project's package.json (src/io/project.ts).
 * @throws Error when the file is missing or has no string `version` (exit 3 through main).
 */
export function readPackageVersion(): string {
  const text = readFileSync(projectPath('package.json'), 'utf8');
  return z.object({ version: z.string().min(1) }).parse(JSON.parse(text)).version;
}

/**
 * Runs the command line `argv` (the arguments after the script; a first word naming a
 * command picks it, else `phase` runs) and returns the exit code: 0 finished (or help/version
 * printed), 1 finished with health below `--min-health`, 2 usage, config, input or output-location error,
 * 3 internal error, 4 aborted by `--abort-on-failure-rate`, 130/143 canceled by SIGINT/SIGTERM.
 * Never throws; never prints a stack trace except for an internal error under `--debug`.
 */
export async function main(argv: readonly string[], io: CliIo, deps: CliDeps = {}): Promise<ExitCode> {
  let code: ExitCode;
  // --debug is looked for by hand first, so a bug while parsing the options still honours it.
  const failure = { debug: argv.includes('--debug') };
  try {
    const version = deps.version ?? readPackageVersion();
    code = await runProgram(COMMANDS, DEFAULT_COMMAND, { io, deps, argv, version, commandNames: COMMANDS.map((c) => c.name), failure });
  } catch (error: unknown) {
    code = reportError(error, io.stderr, failure.debug);
  }
  io.exit?.(code);
  return code;
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

/** The crash test's file system (scripts/crash.ts): SIGKILL at the N-th call of the writing layer, when `PHASE21_CRASH_AT` is set. */
function crashDeps(env: NodeJS.ProcessEnv): CliDeps {
  const crashAt = Number(env.PHASE21_CRASH_AT ?? '');
  if (!Number.isSafeInteger(crashAt) || crashAt <= 0) return {};
  return {
    outputFs: crashingFs(NODE_OUTPUT_FS, crashAt, () => {
      process.kill(process.pid, 'SIGKILL');
      throw new Error('SIGKILL did not end the process');
    }),
  };
}

/** The command line's {@link ThreadData} when this module runs as the command's thread (src/cli/thread.ts). */
function commandThreadData(): ThreadData | undefined {
  if (isMainThread) return undefined;
  const data: unknown = workerData;
  return typeof data === 'object' && data !== null && 'kind' in data && data.kind === 'phase21-command' ? (data as ThreadData) : undefined;
}

/**
 * The last resort of the subprocess world (contract section 11): however the process or the
 * command's thread ends (a second SIGINT, an uncaught exception, process.exit), no command it
 * started outlives it.
 */
function reapProcessGroupsOnExit(): void {
  process.on('exit', () => {
    LIVE_PROCESS_GROUPS.killAllNow();
  });
}

// The only code that touches `process`.
const threadData = commandThreadData();
if (threadData !== undefined && parentPort !== null) {
  // The command's thread: the command runs here, its streams and signals are the main thread's.
  reapProcessGroupsOnExit();
  const io = threadIo(parentPort, threadData, () => performance.now(), (code) => process.exit(code));
  process.exitCode = await main(threadData.argv, io, crashDeps(process.env));
} else if (isEntryPoint(import.meta.url, process.argv[1])) {
  // A reader that goes away (`| head`) is not an error of ours: stop writing, without a stack.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
  reapProcessGroupsOnExit();
  const argv = process.argv.slice(2);
  const self = { execPath: process.execPath, execArgv: process.execArgv, script: process.argv[1] ?? fileURLToPath(import.meta.url) };
  if (runsInThread(argv, COMMANDS.map((c) => c.name), DEFAULT_COMMAND)) {
    // `phase` runs in its own thread under the heap budget (src/cli/thread.ts).
    const folder = inputFolderOf(argv, process.cwd());
    const budget = heapBudget(process.env, folder === undefined ? undefined : inputFolderSizes(folder));
    if (budget.type === 'invalid') {
      process.stderr.write(`${budget.message}\n`);
      process.exitCode = 2;
    } else {
      // Typed as always there; undefined off a terminal.
      const stdoutColumns = (process.stdout as TextStream).columns;
      const stderrColumns = (process.stderr as TextStream).columns;
      const data: ThreadData = {
        kind: 'phase21-command',
        argv,
        env: { ...process.env },
        isTTY: process.stderr.isTTY, // typed boolean; undefined (falsy) off a terminal: colorEnabled guards it
        ...(stdoutColumns === undefined ? {} : { stdoutColumns }),
        ...(stderrColumns === undefined ? {} : { stderrColumns }),
        self,
      };
      const worker = spawnWorker(new URL(import.meta.url), { workerData: data, ...(budget.mb === null ? {} : { resourceLimits: { maxOldGenerationSizeMb: budget.mb } }) });
      const host = { stdout: process.stdout, stderr: process.stderr, on: (signal: CancelSignal, listener: () => void) => process.on(signal, listener), off: (signal: CancelSignal, listener: () => void) => process.off(signal, listener) };
      process.exitCode = await hostThread(worker, host, budget.mb, (error) => reportError(error, process.stderr, argv.includes('--debug')));
    }
  } else {
    process.exitCode = await main(
      argv,
      {
        stdout: process.stdout,
        stderr: process.stderr,
        env: process.env,
        isTTY: process.stderr.isTTY, // typed boolean; undefined (falsy) off a terminal: colorEnabled guards it
        now: () => performance.now(),
        self,
        signals: {
          on: (signal, listener) => process.on(signal, listener),
          off: (signal, listener) => process.off(signal, listener),
          exitNow: (exitCode) => process.exit(exitCode),
        },
      },
      crashDeps(process.env),
    );
  }
}
