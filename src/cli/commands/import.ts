/**
 * `npm run import -- ...` (contract section 10, "WfCommons") in the registry: the arguments
 * after `import` go unparsed to src/cli/import.ts's `runImport`, which has its own commander
 * program (its subcommand `wfcommons`, options, help and messages). src/cli/import.ts keeps
 * its own entry block too, so `node --import tsx src/cli/import.ts ...` still runs.
 */
import { runImport } from '../import.ts';
import type { CliCommand } from '../program.ts';

/** The import command. */
export const importCommand: CliCommand = {
  name: 'import',
  summary: 'turn a WfCommons workflow instance into a Phase 20 tree (npm run import -- --help)',
  usage: 'npm run import -- [options] [command]',
  configure(command) {
    command.helpOption(false).allowUnknownOption().allowExcessArguments(true).passThroughOptions();
  },
  accepts: () => undefined,
  run: (command, ctx) => Promise.resolve(runImport(command.args, { stdout: ctx.io.stdout, stderr: ctx.io.stderr })),
};
