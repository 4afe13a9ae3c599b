/**
 * Builds the comparison document of contract section 13 from what was read of two runs and
 * their paired outcomes. Pure: the same inputs give the same object, key order included.
 */
import { SCHEMA_VERSION } from '../options.ts';
import type { Comparison, McNemarRecord } from '../schema/comparison.ts';
import { anomalyChanges, regressionGate, type CompareSettings } from './gate.ts';
import { measureDeltas, type TestLookup } from './measures.ts';
import { pValueOf, type PairCounts, type PairingResult } from './outcomes.ts';
import type { RunDocuments } from './read.ts';
import { comparability } from './setup.ts';

/** The measure whose delta the paired task outcomes test. */
export const SUCCESS_MEASURE = 'success_rate';
/** The measure names of the first-attempt success rate that the paired first attempts test. */
export const FIRST_ATTEMPT_MEASURES: ReadonlySet<string> = new Set(['first_attempt_success_rate']);

/** One run as the comparison sees it: its documents and how many task rows it had. */
export interface ComparedRun {
  readonly documents: RunDocuments;
  readonly tasks: number;
}

/**
 * The whole comparison document.
 * @param pairing the result of pairing A's task outcomes with B's (outcomes.ts)
 */
export function buildComparison(a: ComparedRun, b: ComparedRun, pairing: PairingResult, settings: CompareSettings): Comparison {
  const taskOutcome = mcnemarRecord(pairing.taskOutcome, settings.alpha);
  const tests: TestLookup = (measure, wave) => {
    const counts = wave === null ? pairing : pairing.perWave.get(wave);
    if (counts === undefined) return undefined;
    if (measure === SUCCESS_MEASURE) return testOf(counts.taskOutcome);
    if (FIRST_ATTEMPT_MEASURES.has(measure)) return testOf(counts.firstAttempt);
    return undefined;
  };
  // In the order of FLIP_CAUSES (the schema's key order).
  const byCause = { dependency: 0, gate: 0, other_agent: 0, other_attempt_count: 0, another_draw: 0 };
  for (const flip of pairing.flips) byCause[flip.cause]++;
  return {
    schema_version: SCHEMA_VERSION,
    runs: { a: identity(a), b: identity(b) },
    comparability: comparability(a.documents.setup, b.documents.setup),
    settings,
    regression_gate: regressionGate(
      {
        healthA: a.documents.healthScore,
        healthB: b.documents.healthScore,
        successRateA: a.documents.successRate,
        successRateB: b.documents.successRate,
        pValue: taskOutcome.p_value,
      },
      settings,
    ),
    mcnemar: { task_outcome: taskOutcome, first_attempt: mcnemarRecord(pairing.firstAttempt, settings.alpha) },
    measures: measureDeltas(a.documents.measures, b.documents.measures, tests, settings.alpha),
    flips: {
      total: pairing.flips.length,
      by_cause: byCause,
      tasks: [...pairing.flips],
    },
    one_run_only: { only_in_a: pairing.onlyInA, only_in_b: pairing.onlyInB, tasks: [...pairing.oneRunOnly] },
    anomalies: anomalyChanges(a.documents.anomalies, b.documents.anomalies),
  };
}

function testOf(counts: PairCounts): { pValue: number } | undefined {
  return counts.pairs === 0 ? undefined : { pValue: pValueOf(counts) };
}

function mcnemarRecord(counts: PairCounts, alpha: number): McNemarRecord {
  const pValue = pValueOf(counts);
  return { pairs: counts.pairs, both: counts.both, b: counts.b, c: counts.c, neither: counts.neither, p_value: pValue, significant: pValue < alpha };
}

function identity(run: ComparedRun): Comparison['runs']['a'] {
  const { setup, seed, waves } = run.documents;
  return { status: setup.status, version: setup.version, seed, waves: [...waves], tasks: run.tasks };
}
