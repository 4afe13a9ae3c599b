/**
 * `npm run compare -- A B ...` (contract section 13) in the registry: the arguments after
 * `compare` go unparsed to src/cli/compare.ts's `compareMain`, which parses them with its own
 * commander program and prints its own help and messages.
 */
import { compareMain } from '../compare.ts';
import type { CliCommand } from '../program.ts';

/** The compare command. */
export const compareCommand: CliCommand = {
  name: 'compare',
  summary: 'compare two output folders, with a regression gate (npm run compare -- --help)',
  usage: 'npm run compare -- A B [options]',
  configure(command) {
    command.helpOption(false).allowUnknownOption().allowExcessArguments(true).passThroughOptions();
  },
  accepts: () => undefined,
  run: (command, ctx) => compareMain(command.args, { stdout: ctx.io.stdout, stderr: ctx.io.stderr }),
};
