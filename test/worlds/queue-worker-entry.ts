/**
 * `npm run worker` as a process for the queue tests, with the tests' command runner: the real
 * command line, signals and exit code of src/cli/main.ts, only the runner injected.
 * Usage: node --import tsx test/worlds/queue-worker-entry.ts --queue URL [worker options]
 */
import { main } from '../../src/cli/main.ts';
import { TestCommandRunner } from '../helpers/command-runner.ts';

const code = await main(
  ['worker', ...process.argv.slice(2)],
  {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    isTTY: false,
    now: () => performance.now(),
    signals: {
      on: (signal, listener) => process.on(signal, listener),
      off: (signal, listener) => process.off(signal, listener),
      exitNow: (exitCode) => process.exit(exitCode),
    },
  },
  { commandRunner: () => new TestCommandRunner() },
);
process.exitCode = code;
