/**
 * The schema of `comparison.json`, the document `npm run compare -- A B` writes (contract
 * section 13, docs/compare.md). The zod schema is the single source: the TypeScript types are
 * inferred from it and `npm run schemas` publishes it as `schemas/comparison.schema.json`. Key
 * order here is the key order in the file.
 *
 * The document depends only on the two runs' results, their manifests' options, inputs and
 * versions, and the compare options: it holds no path and no wall-clock time, so the same two
 * runs always give the same bytes.
 */
import { z } from 'zod';
import { SCHEMA_VERSION } from '../options.ts';
import type { ArtifactEntry } from './artifacts.ts';
import { ANOMALY_TYPES, SEVERITIES } from './measures.ts';
import { taskStatusSchema } from './records.ts';

const count = z.number().int().nonnegative();
const probability = z.number().min(0).max(1);
const wave = z.number().int().min(1);
/** `a` or `b`: which of the two runs. */
const runSide = z.enum(['a', 'b']);

/** Causes of a task outcome flip, in the order of precedence used to pick one (docs/compare.md). */
export const FLIP_CAUSES = ['dependency', 'gate', 'other_agent', 'other_attempt_count', 'another_draw'] as const;
export type FlipCause = (typeof FLIP_CAUSES)[number];

/** Scopes of a measure delta: the run, a wave, an agent over the run, an agent in a wave. */
export const MEASURE_SCOPES = ['run', 'wave', 'agent', 'wave_agent'] as const;
export type MeasureScope = (typeof MEASURE_SCOPES)[number];

/** What identifies a run without its path: from its run.json and task_outcomes.jsonl. */
export const RunIdentitySchema = z
  .object({
    status: z.string().describe('run.json status: completed, or aborted (compared with a warning)'),
    version: z.string().describe('harness version that wrote the run'),
    seed: z.number().int(),
    waves: z.array(wave).describe('waves the run covers (run.json)'),
    tasks: count.describe('rows of task_outcomes.jsonl'),
  })
  .strict();

/** One input file, keyed by its path relative to the input folder (`(agents file)` for profiles). */
export const InputFileDiffSchema = z
  .object({
    file: z.string(),
    sha256_a: z.string().nullable().describe('null when the file is not an input of A'),
    sha256_b: z.string().nullable().describe('null when the file is not an input of B'),
    change: z.enum(['same', 'changed', 'only_in_a', 'only_in_b']),
  })
  .strict();

/** One option whose resolved value differs (keys in snake_case, nested keys dotted). */
export const OptionDiffSchema = z
  .object({
    option: z.string(),
    a: z.unknown().describe('the value in A; null when absent'),
    b: z.unknown().describe('the value in B; null when absent'),
  })
  .strict();

/** Whether the two runs are comparable, and every way in which their set-up differs. */
export const ComparabilitySchema = z
  .object({
    same_inputs: z.boolean().describe('every input file (and the agents file) has the same sha256 in both'),
    same_options: z.boolean().describe('no option that shapes results differs'),
    same_version: z.boolean(),
    notes: z.array(z.string()).describe('warnings to read before trusting the deltas'),
    inputs: z.array(InputFileDiffSchema).describe('every input file of either run, sorted by file'),
    options: z.array(OptionDiffSchema).describe('every differing option, in key order'),
  })
  .strict();

/** The thresholds this comparison was made with. */
export const CompareSettingsSchema = z
  .object({
    alpha: probability.describe('significance level of the McNemar tests'),
    max_health_drop_points: z.number().nonnegative().describe('--max-health-drop P'),
    max_success_drop: z.number().nonnegative().describe('--max-success-drop R, relative: (A - B) / A'),
  })
  .strict();

/** One measure in one scope: value in A, in B, and B - A. */
export const MeasureDeltaSchema = z
  .object({
    scope: z.enum(MEASURE_SCOPES),
    wave: wave.nullable(),
    agent_id: z.string().nullable(),
    measure: z.string().describe('the artifact key; nested keys dotted; `health` is the health score'),
    a: z.number().nullable().describe('null when undefined or absent in A'),
    b: z.number().nullable(),
    delta: z.number().nullable().describe('b - a rounded to 6 decimals; null when either is null'),
    test: z.enum(['mcnemar_exact']).nullable().describe('null: no test is available for this measure'),
    p_value: probability.nullable(),
    significant: z.boolean().nullable().describe('p_value < alpha; null without a test'),
  })
  .strict();
export type MeasureDelta = z.infer<typeof MeasureDeltaSchema>;

/** McNemar's exact test on one kind of paired binary outcome. */
export const McNemarSchema = z
  .object({
    pairs: count.describe('tasks in both runs (first attempts: attempted in both)'),
    both: count.describe('succeeded in both'),
    b: count.describe('succeeded in A only'),
    c: count.describe('succeeded in B only'),
    neither: count,
    p_value: probability.describe('min(1, 2 P(X <= min(b, c))), X ~ Binomial(b + c, 1/2); 1 when b + c = 0'),
    significant: z.boolean().describe('p_value < alpha'),
  })
  .strict();
export type McNemarRecord = z.infer<typeof McNemarSchema>;

/** One task whose status differs between the runs. */
export const FlipSchema = z
  .object({
    wave,
    task_id: z.string(),
    status_a: taskStatusSchema,
    status_b: taskStatusSchema,
    cause: z.enum(FLIP_CAUSES),
    agent_id_a: z.string().nullable(),
    agent_id_b: z.string().nullable(),
    first_agent_id_a: z.string().nullable(),
    first_agent_id_b: z.string().nullable(),
    attempts_a: count,
    attempts_b: count,
    gate_a: z.string().nullable(),
    gate_b: z.string().nullable(),
  })
  .strict();
export type Flip = z.infer<typeof FlipSchema>;

/** A task present in one run only. */
export const OneRunTaskSchema = z.object({ wave, task_id: z.string(), run: runSide, status: taskStatusSchema }).strict();
export type OneRunTask = z.infer<typeof OneRunTaskSchema>;

/** An anomaly of one run with no anomaly of the same (wave, type, subject) in the other. */
export const AnomalyChangeSchema = z
  .object({ wave, type: z.enum(ANOMALY_TYPES), subject: z.string(), severity: z.enum(SEVERITIES), message: z.string() })
  .strict();
export type AnomalyChange = z.infer<typeof AnomalyChangeSchema>;

/** The regression gate of contract section 13. */
export const RegressionGateSchema = z
  .object({
    regression: z.boolean().describe('(health_rule or success_rule) and significant'),
    exit_code: z.union([z.literal(0), z.literal(1)]),
    health_a: z.number().min(0).max(100),
    health_b: z.number().min(0).max(100),
    health_drop_points: z.number().describe('health_a - health_b'),
    health_rule: z.boolean().describe('health_drop_points > max_health_drop_points'),
    success_rate_a: probability.nullable(),
    success_rate_b: probability.nullable(),
    success_drop: z.number().nullable().describe('(a - b) / a; null when a is null or 0'),
    success_rule: z.boolean().describe('success_drop > max_success_drop'),
    p_value: probability.describe('McNemar exact p of the paired task outcomes'),
    significant: z.boolean().describe('p_value < alpha'),
    reasons: z.array(z.string()).describe('which rule fired, or why none did'),
  })
  .strict();
export type RegressionGate = z.infer<typeof RegressionGateSchema>;

/** `comparison.json`. */
export const comparisonSchema = z
  .object({
    schema_version: z.literal(SCHEMA_VERSION),
    runs: z.object({ a: RunIdentitySchema, b: RunIdentitySchema }).strict(),
    comparability: ComparabilitySchema,
    settings: CompareSettingsSchema,
    regression_gate: RegressionGateSchema,
    mcnemar: z.object({ task_outcome: McNemarSchema, first_attempt: McNemarSchema }).strict(),
    measures: z.array(MeasureDeltaSchema).describe('run, then waves, then agents over the run, then agents per wave'),
    flips: z
      .object({
        total: count,
        by_cause: z.object({ dependency: count, gate: count, other_agent: count, other_attempt_count: count, another_draw: count }).strict(),
        tasks: z.array(FlipSchema).describe('every flip, by wave then task_id in natural order'),
      })
      .strict(),
    one_run_only: z
      .object({ only_in_a: count, only_in_b: count, tasks: z.array(OneRunTaskSchema).describe('A-only then B-only, by wave then task_id') })
      .strict(),
    anomalies: z
      .object({ appeared: z.array(AnomalyChangeSchema), went_away: z.array(AnomalyChangeSchema), in_both: count })
      .strict(),
  })
  .strict();
export type Comparison = z.infer<typeof comparisonSchema>;

/**
 * `comparison.json` as a schema document for `npm run schemas` (scripts/schemas.ts). It is not an
 * artifact of a run's output folder, so it is not in `ARTIFACTS`; `pattern` matches its name
 * inside the comparison folder.
 */
export const COMPARISON_DOCUMENT: ArtifactEntry = {
  artifact: 'comparison.json',
  pattern: /^comparison\.json$/,
  format: 'json',
  schema: comparisonSchema,
  schemaFile: 'comparison.schema.json',
  description: 'The comparison of two Phase 21 runs A and B (npm run compare): comparability, measure deltas, task outcome flips, anomalies, McNemar tests and the regression gate.',
};
