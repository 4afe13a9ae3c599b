/**
 * Health score and grade of a wave or the run (contract section 6):
 * health = 100 x (0.40 success_rate + 0.20 availability + 0.20 accuracy + 0.20 load_balance),
 * rounded to 2 decimals; grade from the rounded score.
 */
import type { HealthGrade } from '../schema/measures.ts';
import type { Health } from '../schema/measures.ts';
import { round } from '../util/json.ts';

/** Weights of the health components (contract section 6); they sum to 1. */
export const HEALTH_WEIGHTS = { success_rate: 0.4, availability: 0.2, accuracy: 0.2, load_balance: 0.2 } as const;

/** Lowest score of each grade (contract section 6); below FAIR is POOR. */
export const GRADE_FLOORS = { EXCELLENT: 90, GOOD: 70, FAIR: 50 } as const;

/** The figures health reads: any wave or run metrics record has them. */
export interface HealthInputs {
  /** null (no tasks) is counted as 1: nothing failed. */
  readonly success_rate: number | null;
  readonly availability: number;
  readonly accuracy: number;
  readonly load_balance: number;
}

/** Grade of a score: >= 90 EXCELLENT, >= 70 GOOD, >= 50 FAIR, else POOR. */
export function gradeOf(score: number): HealthGrade {
  if (score >= GRADE_FLOORS.EXCELLENT) return 'EXCELLENT';
  if (score >= GRADE_FLOORS.GOOD) return 'GOOD';
  if (score >= GRADE_FLOORS.FAIR) return 'FAIR';
  return 'POOR';
}

/**
 * Health of a metrics record: score in [0, 100] rounded to 2 decimals, its grade, and the
 * four components as used. Reads the record's (already rounded) figures, so the score can be
 * recomputed from the artifact.
 */
export function healthOf(metrics: HealthInputs): Health {
  const components = {
    success_rate: metrics.success_rate ?? 1,
    availability: metrics.availability,
    accuracy: metrics.accuracy,
    load_balance: metrics.load_balance,
  };
  const weighted =
    HEALTH_WEIGHTS.success_rate * components.success_rate +
    HEALTH_WEIGHTS.availability * components.availability +
    HEALTH_WEIGHTS.accuracy * components.accuracy +
    HEALTH_WEIGHTS.load_balance * components.load_balance;
  const score = round(100 * weighted, 2);
  return { score, grade: gradeOf(score), components };
}
