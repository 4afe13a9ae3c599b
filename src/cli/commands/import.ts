/**
 * The import command (contract section 10, "WfCommons"):
 *
 *   npm run import -- wfcommons INSTANCE.json --out DIR [--agents N] [--seed S] [--schema FILE]
 *
 * turns a WfFormat 1.5 workflow instance into a Phase 20 tree of one wave
 * (`DIR/wave_1/agent_<i>/predicted_tasks.jsonl`) that `npm run phase -- --input DIR` runs.
 * See `docs/import.md` for the mapping. `wfcommons` is a subcommand of `import`; `import`
 * alone prints its help on stderr (exit 2). Exit codes: 0 written, 2 usage or input error
 * (nothing written), 3 bug. Parsing, help and error messages come from src/cli/program.ts and
 * src/cli/failure.ts.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { EXIT, InputError, UsageError, formatDiagnostic, type ExitCode } from '../../errors.ts';
import { DEFAULT_AGENTS, DEFAULT_SEED, MAX_AGENTS, RUNTIME_FLOOR_S } from '../../import/defaults.ts';
import type { ImportStats } from '../../import/mapping.ts';
import { projectRoot } from '../../io/project.ts';
import type { checkWfCommonsInstance } from '../../import/wfcommons.ts';
import type { compileWfFormatSchema, WfFormatValidator } from '../../import/wfformat.ts';
import type { checkOutDir, ImportWriteSummary, readJsonFile, writeImportTree } from '../../import/write-tree.ts';
import type { CliCommand, CommandContext } from '../program.ts';

/**
 * The WfFormat 1.5 JSON Schema read when `--schema` is not given: the copy in the shared
 * fixtures beside the checkout (`../shared/fixtures/wfcommons/wfcommons-schema.json`), found
 * from the project root (src/io/project.ts), not the working folder. When it is absent, `import wfcommons`
 * without `--schema` is a usage error that says to pass `--schema FILE`.
 */
export const DEFAULT_SCHEMA_PATH = path.join(projectRoot(), '..', 'shared', 'fixtures', 'wfcommons', 'wfcommons-schema.json');

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

/** What each option with a value accepts, by flag. */
const ACCEPTS: Readonly<Record<string, string>> = {
  '--out': 'an output folder that does not exist or is empty',
  '--agents': `an integer from 1 to ${MAX_AGENTS}`,
  '--seed': 'a safe integer',
  '--schema': 'a path to the WfFormat JSON Schema (wfcommons-schema.json)',
};

/** The import command, with its subcommand `wfcommons`. */
export const importCommand: CliCommand = {
  name: 'import',
  summary: 'turn a WfCommons workflow instance into a Phase 20 tree (npm run import -- --help)',
  usage: 'npm run import -- [options] [command]',
  configure(command: Command): void {
    command.description('Imports a workflow from another format as a Phase 20 tree the harness runs.');
    command
      .command('wfcommons')
      .description('Import a WfCommons workflow instance (WfFormat 1.5 JSON).')
      .configureHelp({ commandUsage: () => 'npm run import -- wfcommons [options] <instance>' })
      .argument('<instance>', 'the instance, a WfFormat 1.5 JSON file')
      .requiredOption('--out <dir>', 'output folder; must not exist or be empty')
      .option('--agents <n>', `agents agent_0..agent_<n-1>, integer 1-${MAX_AGENTS}`, String(DEFAULT_AGENTS))
      .option('--seed <s>', 'seed of the success probabilities, integer', String(DEFAULT_SEED))
      .option('--schema <file>', 'the WfFormat JSON Schema (wfcommons-schema.json)')
      .option('--debug', 'print the stack of an internal error')
      .addHelpText('after', HELP_AFTER);
  },
  accepts: (flag) => ACCEPTS[flag],
  run: runImportCommand,
};

/** Runs `wfcommons`, the only subcommand (commander runs no other). */
async function runImportCommand(command: Command, ctx: CommandContext): Promise<ExitCode> {
  const args = wfCommonsArgsOf(command);
  ctx.failure.debug = args.debug;
  // The importer (and Ajv) is loaded only when it runs, not for --help.
  const modules: ImportModules = {
    ...(await import('../../import/wfcommons.ts')),
    ...(await import('../../import/wfformat.ts')),
    ...(await import('../../import/write-tree.ts')),
  };
  return importWfCommons(args, ctx, ctx.deps.wfformatSchemaPath ?? DEFAULT_SCHEMA_PATH, modules);
}

/** The importer's functions, loaded by {@link runImportCommand}. */
interface ImportModules {
  readonly checkWfCommonsInstance: typeof checkWfCommonsInstance;
  readonly compileWfFormatSchema: typeof compileWfFormatSchema;
  readonly checkOutDir: typeof checkOutDir;
  readonly readJsonFile: typeof readJsonFile;
  readonly writeImportTree: typeof writeImportTree;
}

const rawOptions = z.object({
  out: z.string(),
  agents: z.string(),
  seed: z.string(),
  schema: z.string().optional(),
  debug: z.boolean().optional(),
});

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
 * The `wfcommons` command line commander parsed into `command`.
 * @throws UsageError on an empty `--out` (it would name the current folder) or a bad `--agents` or `--seed` value
 */
export function wfCommonsArgsOf(command: Command): WfCommonsArgs {
  const [instance] = command.args;
  if (instance === undefined) throw new UsageError("missing required argument 'instance'");
  const options = rawOptions.parse(command.opts());
  if (options.out === '') throw new UsageError('--out: must not be empty');
  return {
    instance,
    out: options.out,
    agents: integerOption('agents', options.agents, 1, MAX_AGENTS),
    seed: integerOption('seed', options.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
    schema: options.schema ?? null,
    debug: options.debug === true,
  };
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

/**
 * Reads and compiles the schema: `--schema`, else `defaultPath`.
 * @throws UsageError when the default is missing (saying to pass `--schema FILE`) or the file is not a JSON Schema
 */
function loadSchema(args: WfCommonsArgs, defaultPath: string, { readJsonFile, compileWfFormatSchema }: ImportModules): WfFormatValidator {
  const file = args.schema ?? defaultPath;
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
function importWfCommons(args: WfCommonsArgs, ctx: CommandContext, defaultSchemaPath: string, modules: ImportModules): ExitCode {
  const { checkOutDir, readJsonFile, checkWfCommonsInstance, writeImportTree } = modules;
  const { stderr } = ctx.io;
  checkOutDir(args.out);
  const validator = loadSchema(args, defaultSchemaPath, modules);
  const instance = readJsonFile(args.instance);
  const outcome = checkWfCommonsInstance(instance, validator, args.instance);
  const warnings = outcome.kind === 'imported' ? outcome.warnings : outcome.diagnostics.filter((d) => d.severity === 'warning');
  for (const warning of warnings) stderr.write(`warning: ${formatDiagnostic(warning)}\n`);
  if (outcome.kind === 'invalid') {
    const errors = outcome.diagnostics.filter((d) => d.severity === 'error');
    throw new InputError(`${errors.length} error${errors.length === 1 ? '' : 's'} in ${args.instance}`, errors);
  }
  const written = writeImportTree(args.out, outcome.workflow, { agents: args.agents, seed: args.seed });
  stderr.write(`${importSummaryLine(outcome.workflow.name, outcome.stats, written, args)}\n`);
  return EXIT.ok;
}
