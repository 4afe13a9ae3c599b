/**
 * The registry of commands, by name. A new command (`compare`, `import`, `tournament`,
 * `worker`) is a module exporting a {@link CliCommand}, listed here, and an npm script
 * `node dist/cli/main.js NAME` (the build of scripts/build.ts); parsing, help, errors and exit codes come from
 * src/cli/program.ts and src/cli/failure.ts.
 */
import type { CliCommand } from '../program.ts';
import { compareCommand } from './compare.ts';
import { importCommand } from './import.ts';
import { phaseCommand } from './phase.ts';
import { tournamentCommand } from './tournament.ts';
import { workerCommand } from './worker.ts';

/** Every command, in the order `--help` lists them. */
export const COMMANDS: readonly CliCommand[] = [phaseCommand, compareCommand, importCommand, tournamentCommand, workerCommand];

/** The command a command line that names none runs. */
export const DEFAULT_COMMAND = phaseCommand.name;
