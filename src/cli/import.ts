/**
 * The import command (contract section 10, "WfCommons"):
 *
 *   npm run import -- wfcommons INSTANCE.json --out DIR [--agents N] [--seed S] [--schema FILE]
 *
 * turns a WfFormat 1.5 workflow instance into a Phase 20 tree of one wave
 * (`DIR/wave_1/agent_<i>/predicted_tasks.jsonl`) that `npm run phase -- --input DIR` runs.
 * See `docs/import.md` for the mapping.
 *
 * {@link runImport} does everything and touches the process only through its `io` argument;
 * the block at the bottom, run only when this file is the entry script, is the one place that
 * reads `process`. Exit codes: 0 written, 2 usage or input error (nothing written), 3 bug.
 */
import { existsSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { EXIT, ExitError, InputError, UsageError, formatDiagnostic, formatDiagnostics, type ExitCode } from '../errors.ts';
import { DEFAULT_AGENTS, DEFAULT_SEED, MAX_AGENTS, RUNTIME_FLOOR_S, type ImportStats } from '../import/mapping.ts';
import { compileWfFormatSchema, type WfFormatValidator } from '../import/wfformat.ts';
import { checkWfCommonsInstance } from '../import/wfcommons.ts';
import { checkOutDir, readJsonFile, writeImportTree, type ImportWriteSummary } from '../import/write-tree.ts';

/** Where the process's output goes; tests pass fakes. */
export interface ImportIo {
  /** Help. */
  readonly stdout: { write(text: string): unknown };
  /** Warnings, the closing line and errors. */
  readonly stderr: { write(text: string): unknown };
}

/** Replaceable defaults of {@link runImport}. */
export interface ImportDeps {
  /**
   * The WfFormat JSON Schema used without `--schema`; default {@link DEFAULT_SCHEMA_PATH}.
   */
  readonly defaultSchemaPath?: string;
}

/**
 * The WfFormat 1.5 JSON Schema read when `--schema` is not given: the copy in the shared
 * fixtures beside the checkout (`../shared/fixtures/wfcommons/wfcommons-schema.json`), found
 * from this file's location, not the working folder.
 */
export const DEFAULT_SCHEMA_PATH = fileURLToPath(new URL('../../../shared/fixtures/wfcommons/wfcommons-schema.json', import.meta.url));

/** The line printed after a usage error. */
export const IMPORT_USAGE_HINT = 'Run with --help for usage.';
/** The prefix of an internal error's message. */
const INTERNAL_ERROR_PREFIX = 'internal error (this is a bug, please report it): ';

/** The parsed `wfcommons` command line. */
export interface WfCommonsArgs {
  readonly instance: string;
  readonly out: string;
  readonly agents: number;
  readonly seed: number;
  /** `--schema`, or null for the default. */
  readonly schema: string | null;
  readonly debug: boolean;
}

const HELP_AFTER = `
Writes OUT/wave_1/agent_<i>/predicted_tasks.jsonl for i = 0..N-1: one row per
(task, agent), with depends_on from the task's parents, predicted_execution_time
from its recorded runtime (raised to ${RUNTIME_FLOOR_S} s; 30 s where none is recorded),
and a deterministic success probability in [0.55, 0.95] keyed by (seed, task, agent).
Same instance and options give the same bytes. OUT must be new or empty.

Errors: FILE: path.to.field: problem, exit code 2, nothing written.

Example:
  npm run import -- wfcommons montage.json --out data/montage --agents 4
  npm run phase -- --input data/montage --out outputs/montage
`;

/** An integer option value in [min, max]. @throws UsageError naming the option. */
function integerOption(name: string, text: string, min: number, max: number): number {
  const value = /^-?\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? 'a safe integer' : `an integer from ${min} to ${max}`;
    throw new UsageError(`--${name}: must be ${range}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * Parses `argv` (the arguments after the script) with commander.
 * @returns the `wfcommons` arguments, or `{ kind: 'done', code }` when commander printed help
 *   (code 0) or a usage error (code 2).
 * @throws UsageError on a bad `--agents` or `--seed` value.
 */
export function parseImportArgs(argv: readonly string[], io: ImportIo): { readonly kind: 'wfcommons'; readonly args: WfCommonsArgs } | { readonly kind: 'done'; readonly code: ExitCode } {
  // Filled by the wfcommons action; commander calls it during parse.
  const parsed: { args: WfCommonsArgs | null } = { args: null };
  const program = new Command('npm run import --')
    .description('Imports a workflow from another format as a Phase 20 tree the harness runs.')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => { write(`${text.replace(/^error: /, '').trimEnd()}\n${IMPORT_USAGE_HINT}\n`); },
    })
    .helpCommand(false);
  program
    .command('wfcommons')
    .description('Import a WfCommons workflow instance (WfFormat 1.5 JSON).')
    .argument('<instance>', 'the instance, a WfFormat 1.5 JSON file')
    .requiredOption('--out <dir>', 'output folder; must not exist or be empty')
    .option('--agents <n>', `agents agent_0..agent_<n-1>, integer 1-${MAX_AGENTS}`, String(DEFAULT_AGENTS))
    .option('--seed <s>', 'seed of the success probabilities, integer', String(DEFAULT_SEED))
    .option('--schema <file>', 'the WfFormat JSON Schema (wfcommons-schema.json)', undefined)
    .option('--debug', 'print the stack of an internal error')
    .addHelpText('after', HELP_AFTER)
    .action((instance: string, options: { out: string; agents: string; seed: string; schema?: string; debug?: boolean }) => {
      parsed.args = {
        instance,
        out: options.out,
        agents: integerOption('agents', options.agents, 1, MAX_AGENTS),
        seed: integerOption('seed', options.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
        schema: options.schema ?? null,
        debug: options.debug === true,
      };
    });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error: unknown) {
    if (error instanceof CommanderError) {
      const done = error.code === 'commander.helpDisplayed' || error.code === 'commander.version';
      return { kind: 'done', code: done ? EXIT.ok : EXIT.usage };
    }
    throw error;
  }
  if (parsed.args === null) throw new UsageError('a command is required: wfcommons');
  return { kind: 'wfcommons', args: parsed.args };
}

/** `n` grouped by thousands (`1,234,567`, locale-free) and the noun in the right number. */
function count(n: number, noun: string, pluralNoun = `${noun}s`): string {
  return `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')} ${n === 1 ? noun : pluralNoun}`;
}

/** The closing line: what was imported and where it went. */
export function importSummaryLine(name: string, stats: ImportStats, written: ImportWriteSummary, args: WfCommonsArgs): string {
  const parts = [count(stats.tasks, 'task'), count(stats.dependencies, 'dependency', 'dependencies'), count(stats.roots, 'root')];
  if (stats.raisedToFloor > 0) parts.push(`${count(stats.raisedToFloor, 'runtime')} raised to ${RUNTIME_FLOOR_S} s`);
  if (stats.missingRuntime > 0) parts.push(`${count(stats.missingRuntime, 'task')} without runtime`);
  return `imported ${name} (${parts.join(', ')}) for ${count(args.agents, 'agent')}: ${count(written.rows, 'row')} -> ${path.join(args.out, 'wave_1')}`;
}

/** Reads and compiles the schema. @throws UsageError when it is missing or not a JSON Schema. */
function loadSchema(args: WfCommonsArgs, deps: ImportDeps): WfFormatValidator {
  const file = args.schema ?? deps.defaultSchemaPath ?? DEFAULT_SCHEMA_PATH;
  if (args.schema === null && !existsSync(file)) {
    throw new UsageError(`--schema: the WfFormat 1.5 JSON Schema is not at ${file}; pass --schema FILE (wfcommons-schema.json from github.com/wfcommons/WfFormat)`);
  }
  const schema = readJsonFile(file);
  try {
    return compileWfFormatSchema(schema);
  } catch (error: unknown) {
    throw new UsageError(`--schema: ${file}: not a usable JSON Schema: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Runs a parsed `wfcommons` command. @throws ExitError subclasses for exit code 2. */
function importWfCommons(args: WfCommonsArgs, io: ImportIo, deps: ImportDeps): ExitCode {
  checkOutDir(args.out);
  const validator = loadSchema(args, deps);
  const instance = readJsonFile(args.instance);
  const outcome = checkWfCommonsInstance(instance, validator, args.instance);
  const warnings = outcome.kind === 'imported' ? outcome.warnings : outcome.diagnostics.filter((d) => d.severity === 'warning');
  for (const warning of warnings) io.stderr.write(`warning: ${formatDiagnostic(warning)}\n`);
  if (outcome.kind === 'invalid') {
    const errors = outcome.diagnostics.filter((d) => d.severity === 'error');
    throw new InputError(`${errors.length} error${errors.length === 1 ? '' : 's'} in ${args.instance}`, errors);
  }
  const written = writeImportTree(args.out, outcome.workflow, { agents: args.agents, seed: args.seed });
  io.stderr.write(`${importSummaryLine(outcome.workflow.name, outcome.stats, written, args)}\n`);
  return EXIT.ok;
}

/** Prints `error` the way its class asks for and returns its exit code. */
function reportError(error: unknown, io: ImportIo, debug: boolean): ExitCode {
  if (error instanceof UsageError) {
    io.stderr.write(`${error.message}\n${IMPORT_USAGE_HINT}\n`);
    return EXIT.usage;
  }
  if (error instanceof InputError) {
    const count = error.diagnostics.length;
    const lines = formatDiagnostics(error.diagnostics);
    // The diagnostics are printed above; the summary only counts them.
    lines.push(`input error: ${count === 0 ? error.message : `${count} error${count === 1 ? '' : 's'} in the input`}; nothing was written`);
    io.stderr.write(`${lines.join('\n')}\n`);
    return EXIT.usage;
  }
  if (error instanceof ExitError && error.exitCode !== EXIT.internal) {
    io.stderr.write(`${error.message}\n`);
    return error.exitCode;
  }
  io.stderr.write(`${INTERNAL_ERROR_PREFIX}${error instanceof Error ? error.message : String(error)}\n`);
  if (debug && error instanceof Error && error.stack !== undefined) io.stderr.write(`${error.stack}\n`);
  return EXIT.internal;
}

/**
 * Runs the import command line `argv` (the arguments after the script) and returns the exit
 * code: 0 written (or help printed), 2 usage or input error with nothing written, 3 internal
 * error. Never throws; prints a stack only for an internal error under `--debug`.
 */
export function runImport(argv: readonly string[], io: ImportIo, deps: ImportDeps = {}): ExitCode {
  let debug = argv.includes('--debug');
  try {
    const command = parseImportArgs(argv, io);
    if (command.kind === 'done') return command.code;
    debug = command.args.debug;
    return importWfCommons(command.args, io, deps);
  } catch (error: unknown) {
    return reportError(error, io, debug);
  }
}

/** Whether this module is the script node was started with (following symlinks). */
function isEntryPoint(moduleUrl: string, scriptPath: string | undefined): boolean {
  if (scriptPath === undefined) return false;
  try {
    return realpathSync(scriptPath) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}

// The only code that touches `process`.
if (isEntryPoint(import.meta.url, process.argv[1])) {
  process.exitCode = runImport(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
}
