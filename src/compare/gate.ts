/**
 * The regression gate of contract section 13, and the anomaly changes between two runs. Pure.
 */
import type { AnomalyChange, CompareSettingsSchema, RegressionGate } from '../schema/comparison.ts';
import type { z } from 'zod';
import { round } from '../util/json.ts';
import { fixed, percent } from '../util/format.ts';

export type CompareSettings = z.infer<typeof CompareSettingsSchema>;

/** The compare options' defaults (contract section 13). */
export const DEFAULT_SETTINGS: CompareSettings = { alpha: 0.05, max_health_drop_points: 5, max_success_drop: 0.1 };

/** The run-level figures the gate reads. */
export interface GateInputs {
  readonly healthA: number;
  readonly healthB: number;
  readonly successRateA: number | null;
  readonly successRateB: number | null;
  /** McNemar exact p-value of the paired task outcomes. */
  readonly pValue: number;
}

/**
 * Exit 1 (a regression) when B's health is more than P points below A's, or B's success rate is
 * more than R below A's relative to A ((A - B) / A > R), and the McNemar p-value of the paired
 * task outcomes is below alpha; else exit 0. The relative drop is undefined, so its rule cannot
 * fire, when A's success rate is null or 0. Differences are rounded to 6 decimals before they
 * are compared, so float noise cannot tip a drop of exactly P over the threshold.
 */
export function regressionGate(inputs: GateInputs, settings: CompareSettings): RegressionGate {
  const { healthA, healthB, successRateA, successRateB, pValue } = inputs;
  const healthDrop = round(healthA - healthB);
  const healthRule = healthDrop > settings.max_health_drop_points;
  const successDrop = successRateA === null || successRateB === null || successRateA === 0 ? null : round((successRateA - successRateB) / successRateA);
  const successRule = successDrop !== null && successDrop > settings.max_success_drop;
  const significant = pValue < settings.alpha;
  const regression = (healthRule || successRule) && significant;
  const reasons: string[] = [];
  if (healthRule) reasons.push(`health dropped ${fixed(healthDrop, 2)} points (${fixed(healthA, 2)} -> ${fixed(healthB, 2)}), more than ${fixed(settings.max_health_drop_points, 2)}`);
  if (successRule) {
    reasons.push(`success rate dropped ${percent(successDrop)} relative (${rateText(successRateA)} -> ${rateText(successRateB)}), more than ${percent(settings.max_success_drop)}`);
  }
  const test = `McNemar ${pEquals(pValue)} ${significant ? '<' : '>='} alpha ${String(settings.alpha)}`;
  if (reasons.length === 0) reasons.push(`no drop beyond the thresholds (health ${signed(-healthDrop)} points, success rate ${successDrop === null ? 'n/a' : `${signed(-successDrop * 100, 1)}% relative`})`);
  else if (!significant) reasons.push(`not significant (${test}): not a regression`);
  else reasons.push(`significant (${test})`);
  return {
    regression,
    exit_code: regression ? 1 : 0,
    health_a: healthA,
    health_b: healthB,
    health_drop_points: healthDrop,
    health_rule: healthRule,
    success_rate_a: successRateA,
    success_rate_b: successRateB,
    success_drop: successDrop,
    success_rule: successRule,
    p_value: pValue,
    significant,
    reasons,
  };
}

/**
 * A p-value for a table cell: 4 significant digits, in exponent form below 0.0001. A p-value
 * that underflowed to 0 (the true one is below about 1e-308) prints as `< 1e-300`, never as 0.
 */
export function formatP(p: number): string {
  if (p === 0) return '< 1e-300';
  if (p >= 1e-4) return String(Number(p.toPrecision(4)));
  return p.toExponential(2);
}

/** `p = 0.0123`, or `p < 1e-300` for an underflow: a p-value inside a sentence. */
export function pEquals(p: number): string {
  return p === 0 ? 'p < 1e-300' : `p = ${formatP(p)}`;
}

function rateText(rate: number | null): string {
  return rate === null ? 'n/a' : percent(rate);
}

function signed(x: number, decimals = 2): string {
  const text = fixed(x, decimals);
  return text.startsWith('-') || Number(text) === 0 ? text : `+${text}`;
}

/** One anomaly as the comparison reads it from anomalies.jsonl. */
export type AnomalyView = AnomalyChange;

/**
 * Anomalies that appeared (in B, with no anomaly of the same (wave, type, subject) in A) and went
 * away (in A only), each in its run's file order, and how many keys are in both.
 */
export function anomalyChanges(a: readonly AnomalyView[], b: readonly AnomalyView[]): { appeared: AnomalyView[]; went_away: AnomalyView[]; in_both: number } {
  const key = (x: AnomalyView): string => `${x.wave}\n${x.type}\n${x.subject}`;
  const keysA = new Set(a.map(key));
  const keysB = new Set(b.map(key));
  const inBoth = [...keysA].filter((k) => keysB.has(k)).length;
  return { appeared: b.filter((x) => !keysA.has(key(x))), went_away: a.filter((x) => !keysB.has(key(x))), in_both: inBoth };
}
