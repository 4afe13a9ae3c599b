/**
 * The command-line entry (contract sections 9 and 12): `npm run phase -- [options]`, which
 * runs `node dist/cli/main.js phase [options]` (the build of scripts/build.ts; `npm run dev` runs
 * this file through tsx); the commands are registered in
 * src/cli/commands/index.ts.
 *
 * {@link main} does everything and touches the process only through its `io` argument; the
 * block at the bottom, run only when this file is the entry script, is the one place that
 * reads `process`: streams, environment, clock, SIGINT/SIGTERM and the exit code.
 */
import { readFileSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ExitCode } from '../errors.ts';
import { crashingFs, NODE_OUTPUT_FS } from '../io/output-fs.ts';
import { projectPath } from '../io/project.ts';
import { COMMANDS, DEFAULT_COMMAND } from './commands/index.ts';
import { reportError } from './failure.ts';
import type { CliIo } from './io.ts';
import { runProgram } from './program.ts';
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

// The only code that touches `process`.
if (isEntryPoint(import.meta.url, process.argv[1])) {
  // A reader that goes away (`| head`) is not an error of ours: stop writing, without a stack.
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
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
  const code = await main(process.argv.slice(2), {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    isTTY: process.stderr.isTTY, // typed boolean; undefined (falsy) off a terminal: colorEnabled guards it
    now: () => performance.now(),
    self: { execPath: process.execPath, execArgv: process.execArgv, script: process.argv[1] ?? fileURLToPath(import.meta.url) },
    signals: {
      on: (signal, listener) => process.on(signal, listener),
      off: (signal, listener) => process.off(signal, listener),
      exitNow: (exitCode) => process.exit(exitCode),
    },
  }, outputFs === undefined ? {} : { outputFs });
  process.exitCode = code;
}
