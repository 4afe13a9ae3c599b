/**
 * The command-line program: commander, with the plumbing every command shares. A command is a
 * small module ({@link CliCommand}) registered by name in src/cli/commands/index.ts; this
 * module builds the commander program from the registry, routes its output to the injected
 * streams, turns its parse errors into one-line usage errors in the project's style
 * (`--stratgy: unknown option (did you mean --strategy?)`), and resolves with the exit code
 * the command's run returned. Errors a command throws go to src/cli/failure.ts through `main`.
 */
import { Command, CommanderError } from 'commander';
import { EXIT, UsageError } from '../errors.ts';
import type { ExitCode } from '../errors.ts';
import type { RunOptions } from '../options.ts';
import type { RunEnvironment, RunResult } from '../pipeline.ts';
import type { OutputFs } from '../io/output-fs.ts';
import type { WallClock } from '../ports.ts';
import type { CommandRunner } from '../worlds/subprocess/runner.ts';
import type { CliIo } from './io.ts';

/** Replaceable collaborators of the commands; the defaults are the real ones. */
export interface CliDeps {
  /** The phase run; default `runPhase21`. */
  readonly run?: (options: RunOptions, env: RunEnvironment) => Promise<RunResult>;
  /** Wall clock for run.json; default `new Date()`. */
  readonly wallClock?: WallClock;
  /** Version string; default package.json's `version`. */
  readonly version?: string;
  /** The writing layer's file-system calls (the entry block's crash hook); default node:fs. */
  readonly outputFs?: OutputFs;
  /** The WfFormat JSON Schema `import wfcommons` reads without `--schema`; default `DEFAULT_SCHEMA_PATH` (src/cli/commands/import.ts). */
  readonly wfformatSchemaPath?: string;
  /** Builds the runner `worker` runs commands with; default the subprocess world's local runner. */
  readonly commandRunner?: () => CommandRunner;
}

/** What a command gets besides its parsed options. */
export interface CommandContext {
  readonly io: CliIo;
  readonly deps: CliDeps;
  /** The whole command line as typed (the arguments after the script). */
  readonly argv: readonly string[];
  /** The package version. */
  readonly version: string;
  /** Every registered command's name. */
  readonly commandNames: readonly string[];
  /**
   * How an error ending the command is reported: `debug` (the stack of an internal error) is
   * set from `--debug` on the command line before parsing; a command sets it again once its
   * options are known (a config file may turn it on).
   */
  readonly failure: { debug: boolean };
}

/** One command of the program (`phase`, `compare`, `import`, ...). */
export interface CliCommand {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The usage line of its help, as users type it: `npm run phase -- [options]`. */
  readonly usage: string;
  /**
   * Declares its arguments, options and help texts on `command` (already named, with the shared
   * settings); may declare subcommands on it (`import wfcommons`), each with its own usage line.
   */
  configure(command: Command, ctx: CommandContext): void;
  /** What the value of option `flag` (`--waves`) must be, for a "missing value" message; undefined when not its option. */
  accepts(flag: string): string | undefined;
  /**
   * Runs the command with what commander parsed into `command` (`command.getOptionValue`,
   * `command.args`): the command itself, or the subcommand the command line named when
   * `configure` declared some. Resolves with the exit code; throws an ExitError subclass for an
   * expected failure (a UsageError, an InputError), anything else being a bug (exit 3).
   */
  run(command: Command, ctx: CommandContext): Promise<ExitCode>;
}

/** Columns of `--help` when stdout is not a terminal (commander's default). */
const HELP_COLUMNS = 80;

/**
 * Parses `ctx.argv` with a program of `commands` and runs the command it names; a command line
 * that names none runs `defaultCommand` (so `npm run phase -- --waves 3` and
 * `main.ts --waves 3` both run `phase`). `--help` and `--version` print on stdout and resolve
 * with 0; a command with subcommands named without one prints its help on stderr and resolves
 * with 2.
 *
 * @throws UsageError for what commander refuses (unknown option, missing value, excess
 *   argument), and whatever the command's run throws
 */
export async function runProgram(commands: readonly CliCommand[], defaultCommand: string, ctx: CommandContext): Promise<ExitCode> {
  const { io } = ctx;
  const program = new Command('phase21')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: () => undefined, // the message is reported once, as a UsageError
      getOutHelpWidth: () => io.stdout.columns ?? HELP_COLUMNS,
      getErrHelpWidth: () => io.stderr.columns ?? HELP_COLUMNS,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .helpCommand(false)
    // Options after a command's name are the command's own, after a subcommand's the subcommand's.
    .enablePositionalOptions()
    .helpOption('-h, --help', 'print this help and exit')
    .version(ctx.version, '-V, --version', 'print the version and exit')
    .configureHelp({ commandUsage: () => 'npm run <command> -- [options]' });

  let exitCode: ExitCode = EXIT.ok;
  const built: Command[] = [];
  for (const definition of commands) {
    const command = program.command(definition.name, { isDefault: definition.name === defaultCommand }).summary(definition.summary);
    // No `help [command]` subcommand under a command either (--help is the one way).
    command.configureHelp({ commandUsage: () => definition.usage }).helpCommand(false);
    definition.configure(command, ctx);
    // The command runs, or the subcommand named (commander shows the command's help without one).
    const leaves = command.commands.length === 0 ? [command] : command.commands;
    for (const leaf of leaves) {
      leaf.action(async () => {
        exitCode = await definition.run(leaf, ctx);
      });
    }
    built.push(command, ...command.commands);
  }
  // The command being parsed, whose `accepts` words a missing value.
  let active: CliCommand | undefined;
  program.hook('preSubcommand', (_program, sub) => {
    active = commands.find((definition) => definition.name === sub.name());
  });

  try {
    await program.parseAsync([...ctx.argv], { from: 'user' });
  } catch (error: unknown) {
    if (!(error instanceof CommanderError)) throw error;
    // Help shown for want of a subcommand (`import` alone): on stderr already, a usage error.
    if (error.code === 'commander.help' && error.exitCode !== 0) return EXIT.usage;
    if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)) return EXIT.ok;
    throw usageErrorOf(error, active === undefined ? commands : [active], built);
  }
  return exitCode;
}

/**
 * A commander parse error in the project's words: `--x: unknown option (did you mean --y?)`
 * (commander's suggestion), `--flag: takes no value, got "v"`, `--x: missing value; expected
 * ...` (what `definitions`, the command being parsed, `accepts`); any other error
 * keeps commander's message without its `error: ` prefix. `commands` are every command and
 * subcommand built, whose flags tell `--flag=v` from an unknown option.
 */
export function usageErrorOf(error: CommanderError, definitions: readonly CliCommand[], commands: readonly Command[]): UsageError {
  const message = error.message.replace(/^error: /, '');
  if (error.code === 'commander.unknownOption') {
    const flag = /^unknown option '(.+?)'/.exec(message)?.[1] ?? message;
    const eq = flag.indexOf('=');
    if (eq > 0 && commands.some((c) => c.options.some((o) => o.long === flag.slice(0, eq) && !o.required && !o.optional))) {
      return new UsageError(`${flag.slice(0, eq)}: takes no value, got ${JSON.stringify(flag.slice(eq + 1))}`);
    }
    const suggestion = /\(Did you mean (.+?)\?\)/.exec(message)?.[1];
    const name = eq > 0 ? flag.slice(0, eq) : flag;
    return new UsageError(`${name}: unknown option${suggestion === undefined ? '' : ` (did you mean ${suggestion}?)`}`);
  }
  if (error.code === 'commander.optionMissingArgument') {
    const flag = /^option '(?:-\w, )?(--[\w-]+)/.exec(message)?.[1];
    if (flag !== undefined) {
      const accepts = definitions.map((d) => d.accepts(flag)).find((a) => a !== undefined);
      return new UsageError(`${flag}: missing value${accepts === undefined ? '' : `; expected ${accepts}`}`);
    }
  }
  return new UsageError(message);
}
