/**
 * `npm run generate -- --waves 3 --tasks 200 --agents 4 --seed 20 --out data/phase20
 *   [--layout tree|flat] [--agents-out data/agents.json] [--base-time ISO]`
 *
 * Writes deterministic, realistic Phase 20 output (see `src/generate/phase20.ts` for the model).
 * Same arguments give the same bytes. Errors print one line and exit 2.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ExitError, UsageError } from '../src/errors.ts';
import { DEFAULT_BASE_TIME, validateConfig, type GeneratorConfig } from '../src/generate/phase20.ts';
import { prepareOutDir, writeAgentsFile, writePhase20, type Layout } from '../src/generate/write-tree.ts';

/** Parsed command line of the generator. */
export interface GenerateArgs {
  readonly config: GeneratorConfig;
  readonly out: string;
  readonly layout: Layout;
  /** Where to write agents.json, or null to skip it. */
  readonly agentsOut: string | null;
  readonly help: boolean;
}

/** The `--help` text. */
export const USAGE = `Usage: npm run generate -- [options]

Writes deterministic, realistic Phase 20 output (predicted_tasks.jsonl and
predicted_schedule.jsonl). Same options give byte-identical files.

Options:
  --waves N          waves, integer >= 1 (default 3)
  --tasks N          tasks per wave, integer >= 1 (default 200)
  --agents N         agents, integer >= 1 (default 4)
  --seed N           seed, integer >= 0 (default 20)
  --out DIR          output folder (default data/phase20); it is wiped first, but only
                     when empty or holding nothing but earlier generator output
  --layout L         tree (wave_<w>/agent_<a>/...) or flat (rows carry "wave"); default tree
  --agents-out FILE  also write agent profiles (agents.json) for the same agents
  --base-time ISO    instant of the first row's timestamp
                     (default ${DEFAULT_BASE_TIME})
  --dependencies K   each task depends on up to K earlier tasks of its wave
                     (depends_on; integer 0-100, default 0: none)
  --capabilities     tasks carry required_capabilities (40% of them one tag of
                     the sample profiles': python, testing, data, docs, ...)
  -h, --help         show this help

Example (the committed sample data):
  npm run generate -- --waves 3 --tasks 200 --agents 4 --seed 20 --out data/phase20 --agents-out data/agents.json
`;

function integerOption(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`--${name} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  const value = Number(text.trim());
  if (!Number.isSafeInteger(value) || value < min) throw new UsageError(`--${name} must be an integer >= ${min}, got ${JSON.stringify(text)}`);
  return value;
}

/**
 * Parses and validates the generator's arguments (without the leading `node script`).
 * @throws UsageError naming the bad option and what it accepts.
 */
export function parseGenerateArgs(argv: readonly string[]): GenerateArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        waves: { type: 'string' },
        tasks: { type: 'string' },
        agents: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        layout: { type: 'string' },
        'agents-out': { type: 'string' },
        'base-time': { type: 'string' },
        dependencies: { type: 'string' },
        capabilities: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error: unknown) {
    // Node's messages can span lines (hints on `--x=-1`); keep the first, errors are one line.
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(`${message.split('\n')[0] ?? message} (see --help)`);
  }
  const layout = values.layout ?? 'tree';
  if (layout !== 'tree' && layout !== 'flat') throw new UsageError(`--layout must be tree or flat, got ${JSON.stringify(layout)}`);
  const out = values.out ?? 'data/phase20';
  if (out.trim() === '') throw new UsageError('--out must not be empty');
  if (values['agents-out']?.trim() === '') throw new UsageError('--agents-out must not be empty');
  const config: GeneratorConfig = {
    waves: integerOption('waves', values.waves, 3, 1),
    tasks: integerOption('tasks', values.tasks, 200, 1),
    agents: integerOption('agents', values.agents, 4, 1),
    seed: integerOption('seed', values.seed, 20, 0),
    baseTime: values['base-time'] ?? DEFAULT_BASE_TIME,
    dependencies: integerOption('dependencies', values.dependencies, 0, 0),
    capabilities: values.capabilities === true,
  };
  try {
    validateConfig(config);
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    throw new UsageError(message.startsWith('base time') ? `--base-time: ${message}` : message.startsWith('dependencies') ? `--${message}` : message);
  }
  return { config, out, layout, agentsOut: values['agents-out'] ?? null, help: values.help === true };
}

/** Runs the generator CLI; returns the exit code. */
export function main(argv: readonly string[]): number {
  try {
    const args = parseGenerateArgs(argv);
    if (args.help) {
      process.stdout.write(USAGE);
      return 0;
    }
    const started = performance.now();
    prepareOutDir(args.out);
    const summary = writePhase20(args.config, args.layout, args.out);
    if (args.agentsOut !== null) writeAgentsFile(args.agentsOut, args.config.agents);
    const seconds = ((performance.now() - started) / 1000).toFixed(2);
    const mb = (summary.bytes / 1e6).toFixed(1);
    process.stderr.write(
      `generate: ${summary.predictionRows} prediction rows, ${summary.scheduleRows} schedule rows, ${summary.files} files (${mb} MB, ${args.layout}) in ${args.out} in ${seconds} s` +
        `${args.agentsOut === null ? '' : `; profiles in ${args.agentsOut}`}\n`,
    );
    return 0;
  } catch (error: unknown) {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`generate: error: ${message}\n`);
    return error instanceof ExitError ? error.exitCode : 2;
  }
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) process.exitCode = main(process.argv.slice(2));
