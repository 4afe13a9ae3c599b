/**
 * The reading end of the comparison: checks that a folder is a finished Phase 21 run and reads
 * what the comparison needs from it (contract sections 8 and 13): `run.json`,
 * `phase21_system_health.json`, `anomalies.jsonl`, and `task_outcomes.jsonl` streamed line by
 * line. Problems become `Diagnostic` values (`file:line: field: problem`); the caller throws them
 * together at the edge.
 *
 * Only the keys the comparison reads are validated; other keys are ignored, so artifacts that
 * gain a field still compare.
 */
import fs from 'node:fs';
import { z } from 'zod';
import { UsageError, type Diagnostic } from '../errors.ts';
import { readLines, LineReadError } from '../io/lines.ts';
import { ANOMALY_TYPES, SEVERITIES } from '../schema/measures.ts';
import path from 'node:path';
import { flattenMeasures, type MetricObject, type RunMeasures } from './measures.ts';
import type { AnomalyView } from './gate.ts';
import { outcomeColumnsSchema, type OutcomeRow } from './outcomes.ts';
import type { RunSetup } from './setup.ts';

/** `A` or `B`: how the command line and messages name the two runs. */
export type RunLabel = 'A' | 'B';

/** What is read from a run's folder besides its task outcomes. */
export interface RunDocuments {
  readonly setup: RunSetup;
  readonly seed: number;
  readonly waves: readonly number[];
  readonly measures: RunMeasures;
  readonly healthScore: number;
  readonly successRate: number | null;
  readonly anomalies: readonly AnomalyView[];
}

/** Run states that can be compared; `aborted` with a warning (docs/compare.md). */
const COMPARABLE_STATES = new Set(['completed', 'aborted']);
const REFUSED_STATES: Readonly<Record<string, string>> = {
  planned: 'the run is a dry run (planned): it has no outcomes to compare',
  running: 'the run did not finish (running): it is still running or it crashed; finish it with --resume or run it again',
  canceled: 'the run was canceled: finish it with --resume first',
  failed: 'the run failed: it has no complete results',
};

const manifestView = z.object({
  tool: z.literal('phase21-harness'),
  version: z.string(),
  status: z.string(),
  seed: z.number().int(),
  options: z.record(z.string(), z.unknown()),
  inputs: z.array(z.object({ path: z.string(), kind: z.string(), sha256: z.string() })),
  waves: z.array(z.number().int().min(1)),
});

const metricsView = z.object({
  success_rate: z.number().nullable(),
  per_agent: z.array(z.object({ agent_id: z.string() })).optional(),
});
const healthView = z.object({
  run: z.object({ health: z.object({ score: z.number() }), metrics: metricsView }),
  waves: z.array(z.object({ wave: z.number().int().min(1), health: z.object({ score: z.number() }), metrics: metricsView })),
});

const anomalyView = z.object({
  wave: z.number().int().min(1),
  type: z.enum(ANOMALY_TYPES),
  subject: z.string(),
  severity: z.enum(SEVERITIES),
  message: z.string(),
});

const MISSING = 'missing';

/** File names read from a run folder. */
export const RUN_FILES = {
  manifest: 'run.json',
  health: 'phase21_system_health.json',
  anomalies: 'anomalies.jsonl',
  outcomes: 'task_outcomes.jsonl',
} as const;

/**
 * Checks that `dir` is a folder holding `run.json`, without reading it.
 * @throws UsageError `A: <dir>: <problem>` when it is missing, not a folder, or has no run.json
 */
export function checkRunFolder(dir: string, label: RunLabel): void {
  const what = `${label} must be a Phase 21 output folder`;
  if (!fs.existsSync(dir)) throw new UsageError(`${label}: ${dir}: no such folder (${what})`);
  if (!fs.statSync(dir).isDirectory()) throw new UsageError(`${label}: ${dir}: is a file, not a folder (${what})`);
  if (!fs.existsSync(path.join(dir, RUN_FILES.manifest))) throw new UsageError(`${label}: ${dir}: holds no ${RUN_FILES.manifest}, so it is not a Phase 21 output folder`);
}

/** A value, or the diagnostics that stopped it. */
export type Read<T> = { readonly kind: 'ok'; readonly value: T } | { readonly kind: 'invalid'; readonly diagnostics: readonly Diagnostic[] };

/** Reads run.json, the health file and the anomalies of a checked run folder. */
export function readRunDocuments(dir: string): Read<RunDocuments> {
  const diagnostics: Diagnostic[] = [];
  const manifestFile = path.join(dir, RUN_FILES.manifest);
  const manifest = parseDocument(manifestFile, manifestView, diagnostics);
  if (manifest === null) return { kind: 'invalid', diagnostics };
  if (!COMPARABLE_STATES.has(manifest.status)) {
    // A run that is not finished has no results to read: say only that.
    const why = REFUSED_STATES[manifest.status] ?? `unknown run state "${manifest.status}": only completed and aborted runs compare`;
    return { kind: 'invalid', diagnostics: [problem(manifestFile, null, 'status', why)] };
  }
  const healthFile = path.join(dir, RUN_FILES.health);
  const raw = readJson(healthFile, diagnostics);
  const health = raw === undefined ? null : validate(healthFile, healthView, raw, diagnostics);
  const anomalies = readAnomalies(path.join(dir, RUN_FILES.anomalies), diagnostics);
  if (health === null || anomalies === null || diagnostics.length > 0) return { kind: 'invalid', diagnostics };
  return {
    kind: 'ok',
    value: {
      setup: { status: manifest.status, version: manifest.version, options: manifest.options, inputs: manifest.inputs },
      seed: manifest.seed,
      waves: manifest.waves,
      measures: measuresOf(raw as HealthRaw),
      healthScore: health.run.health.score,
      successRate: health.run.metrics.success_rate,
      anomalies,
    },
  };
}

/** The validated health file, as raw objects so measures keep the file's key order. */
interface HealthRaw {
  readonly run: { readonly health: { readonly score: number }; readonly metrics: MetricObject };
  readonly waves: readonly { readonly wave: number; readonly health: { readonly score: number }; readonly metrics: MetricObject }[];
}

function measuresOf(raw: HealthRaw): RunMeasures {
  return {
    run: flattenMeasures(raw.run.metrics, raw.run.health.score),
    agents: agentsOf(raw.run.metrics),
    waves: new Map(raw.waves.map((w) => [w.wave, { values: flattenMeasures(w.metrics, w.health.score), agents: agentsOf(w.metrics) }])),
  };
}

function agentsOf(metrics: MetricObject): Map<string, Map<string, number | null>> {
  const perAgent = (metrics.per_agent ?? []) as readonly MetricObject[];
  return new Map(perAgent.map((agent) => [String(agent.agent_id), flattenMeasures(agent)]));
}

/**
 * Streams `task_outcomes.jsonl` of `dir`, handing each valid row to `onRow` with its line number.
 * `onRow` returns false for a duplicate (wave, task_id), which becomes a diagnostic. Keeps the
 * first `maxDiagnostics` diagnostics and counts all of them.
 */
export async function readOutcomes(
  dir: string,
  onRow: (row: OutcomeRow) => boolean,
  maxDiagnostics = 50,
): Promise<{ readonly diagnostics: readonly Diagnostic[]; readonly problems: number; readonly rows: number }> {
  const file = path.join(dir, RUN_FILES.outcomes);
  const diagnostics: Diagnostic[] = [];
  let problems = 0;
  let rows = 0;
  const report = (d: Diagnostic): void => {
    problems++;
    if (diagnostics.length < maxDiagnostics) diagnostics.push(d);
  };
  let missingColumn = false;
  try {
    await readLines(file, (text, line) => {
      if (missingColumn) return;
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        report(problem(file, line, '(line)', 'not valid JSON'));
        return;
      }
      const parsed = outcomeColumnsSchema.safeParse(json);
      if (!parsed.success) {
        const found = outcomeProblem(file, line, parsed.error);
        // A column missing from the first row is missing from the file: say it once.
        missingColumn = rows === 0 && problems === 0 && found.problem.startsWith(MISSING);
        report(missingColumn ? { ...found, problem: `${found.problem}; the first row lacks it, so the file was not read further` } : found);
        return;
      }
      if (onRow(parsed.data)) rows++;
      else report(problem(file, line, 'task_id', `wave ${parsed.data.wave} task ${parsed.data.task_id} appears twice`));
    });
  } catch (error: unknown) {
    report(fileProblem(file, error));
  }
  return { diagnostics, problems, rows };
}

function readAnomalies(file: string, diagnostics: Diagnostic[]): AnomalyView[] | null {
  const text = readText(file, diagnostics);
  if (text === null) return null;
  const out: AnomalyView[] = [];
  const before = diagnostics.length;
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      diagnostics.push(problem(file, index + 1, '(line)', 'not valid JSON'));
      return;
    }
    const parsed = anomalyView.safeParse(json);
    if (parsed.success) out.push(parsed.data);
    else diagnostics.push(issueProblem(file, index + 1, parsed.error));
  });
  return diagnostics.length === before ? out : null;
}

function parseDocument<T>(file: string, schema: z.ZodType<T>, diagnostics: Diagnostic[]): T | null {
  const raw = readJson(file, diagnostics);
  return raw === undefined ? null : validate(file, schema, raw, diagnostics);
}

function validate<T>(file: string, schema: z.ZodType<T>, raw: unknown, diagnostics: Diagnostic[]): T | null {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  diagnostics.push(issueProblem(file, null, parsed.error));
  return null;
}

/** The parsed JSON document, or undefined after a diagnostic. */
function readJson(file: string, diagnostics: Diagnostic[]): unknown {
  const text = readText(file, diagnostics);
  if (text === null) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    diagnostics.push(problem(file, null, '(file)', 'not valid JSON'));
    return undefined;
  }
}

function readText(file: string, diagnostics: Diagnostic[]): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error: unknown) {
    diagnostics.push(fileProblem(file, error));
    return null;
  }
}

function fileProblem(file: string, error: unknown): Diagnostic {
  if (error instanceof LineReadError) return problem(file, error.line, '(line)', error.message);
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return problem(file, null, '(file)', 'missing: a finished run writes it');
  if (code === 'EISDIR') return problem(file, null, '(file)', 'is a folder, not a file');
  return problem(file, null, '(file)', `cannot be read (${typeof code === 'string' ? code : error instanceof Error ? error.message : String(error)})`);
}

/**
 * A bad task_outcomes.jsonl row. A missing column says which contract columns are needed: a run
 * written before `first_agent_id` existed cannot be compared.
 */
function outcomeProblem(file: string, line: number, error: z.ZodError): Diagnostic {
  const issue = error.issues[0];
  const field = issue === undefined || issue.path.length === 0 ? '(line)' : issue.path.join('.');
  if (issue?.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return problem(file, line, field, `${MISSING}: the comparison needs the columns of contract section 8 (wave, task_id, agent_id, first_agent_id, status, attempts, first_attempt_success, gate)`);
  }
  return problem(file, line, field, issue?.message ?? 'invalid');
}

function issueProblem(file: string, line: number | null, error: z.ZodError): Diagnostic {
  const issue = error.issues[0];
  return problem(file, line, issue === undefined || issue.path.length === 0 ? '(file)' : issue.path.join('.'), issue?.message ?? 'invalid');
}

function problem(file: string, line: number | null, field: string, text: string): Diagnostic {
  return { severity: 'error', file, line, field, problem: text };
}
