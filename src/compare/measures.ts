/**
 * Measure deltas (contract sections 6 and 13), found generically: every numeric leaf of the
 * run-level, per-wave and per-agent metric objects of `phase21_system_health.json` is a measure,
 * named by its key (nested keys dotted), and measures are paired by name. So a measure added or
 * renamed in the artifacts is compared without a change here; a name present in one run only
 * shows with null on the other side.
 *
 * Where a paired test exists the delta carries it: the success rate (paired task outcomes) and
 * the first-attempt success rate (paired first attempts) of the run and of each wave, by
 * McNemar's exact test. Every other delta has no test, and says so (`test: null`).
 */
import type { MeasureDelta, MeasureScope } from '../schema/comparison.ts';
import { round } from '../util/json.ts';
import { naturalCompare } from '../util/natural.ts';

/** Measures of one scope, in artifact key order: name -> value (null when undefined). */
export type MeasureValues = ReadonlyMap<string, number | null>;

/** The measures of one run, by scope. */
export interface RunMeasures {
  readonly run: MeasureValues;
  /** Per agent over the whole run, by agent id. */
  readonly agents: ReadonlyMap<string, MeasureValues>;
  /** Per wave, by wave number. */
  readonly waves: ReadonlyMap<number, { readonly values: MeasureValues; readonly agents: ReadonlyMap<string, MeasureValues> }>;
}

/** A metric object as read from the health file: its keys in file order. */
export type MetricObject = Readonly<Record<string, unknown>>;

/** Name of the health score among the measures. */
export const HEALTH_MEASURE = 'health';
/** Keys that are not walked as measures: the agent breakdown (its own scope) and the wave id. */
const NOT_MEASURES = new Set(['per_agent', 'wave', 'agent_id']);

/**
 * The numeric leaves of `metrics` as measures: numbers and nulls, nested objects as dotted names
 * (`a.b`). Arrays (reliability bins, the agent breakdown) and text are not measures. Prefixed
 * with `health` = `healthScore` when one is given.
 */
export function flattenMeasures(metrics: MetricObject, healthScore: number | null = null): Map<string, number | null> {
  const out = new Map<string, number | null>();
  if (healthScore !== null) out.set(HEALTH_MEASURE, healthScore);
  const walk = (object: MetricObject, prefix: string): void => {
    for (const [key, value] of Object.entries(object)) {
      if (prefix === '' && NOT_MEASURES.has(key)) continue;
      const name = `${prefix}${key}`;
      if (typeof value === 'number' || value === null) out.set(name, value);
      else if (typeof value === 'object' && !Array.isArray(value)) walk(value as MetricObject, `${name}.`);
    }
  };
  walk(metrics, '');
  return out;
}

/** A paired test attached to a measure: its p-value. */
export interface MeasureTest {
  readonly pValue: number;
}

/**
 * The tests available for a measure of the run (wave = null) or of a wave, by measure name;
 * undefined when there is none.
 */
export type TestLookup = (measure: string, wave: number | null) => MeasureTest | undefined;

/**
 * Every measure delta, in the order: run; each wave (ascending); each agent over the run
 * (natural order); each agent in each wave. Within a scope, A's measures in A's order, then those
 * only B has. Agents and waves of either run appear; a side without one has nulls.
 *
 * @param alpha significance level: `significant` = p < alpha
 */
export function measureDeltas(a: RunMeasures, b: RunMeasures, tests: TestLookup, alpha: number): MeasureDelta[] {
  const rows: MeasureDelta[] = [];
  const push = (scope: MeasureScope, wave: number | null, agentId: string | null, va: MeasureValues | undefined, vb: MeasureValues | undefined): void => {
    for (const measure of unionKeys(va, vb)) {
      const test = scope === 'run' || scope === 'wave' ? tests(measure, wave) : undefined;
      rows.push(deltaRow(scope, wave, agentId, measure, va?.get(measure) ?? null, vb?.get(measure) ?? null, test, alpha));
    }
  };
  push('run', null, null, a.run, b.run);
  const waves = [...new Set([...a.waves.keys(), ...b.waves.keys()])].sort((x, y) => x - y);
  for (const wave of waves) push('wave', wave, null, a.waves.get(wave)?.values, b.waves.get(wave)?.values);
  for (const agent of unionAgents(a.agents, b.agents)) push('agent', null, agent, a.agents.get(agent), b.agents.get(agent));
  for (const wave of waves) {
    const wa = a.waves.get(wave)?.agents;
    const wb = b.waves.get(wave)?.agents;
    for (const agent of unionAgents(wa, wb)) push('wave_agent', wave, agent, wa?.get(agent), wb?.get(agent));
  }
  return rows;
}

function deltaRow(
  scope: MeasureScope,
  wave: number | null,
  agentId: string | null,
  measure: string,
  a: number | null,
  b: number | null,
  test: MeasureTest | undefined,
  alpha: number,
): MeasureDelta {
  return {
    scope,
    wave,
    agent_id: agentId,
    measure,
    a,
    b,
    delta: a === null || b === null ? null : round(b - a),
    test: test === undefined ? null : 'mcnemar_exact',
    p_value: test === undefined ? null : test.pValue,
    significant: test === undefined ? null : test.pValue < alpha,
  };
}

function unionKeys(a: MeasureValues | undefined, b: MeasureValues | undefined): string[] {
  const keys = [...(a?.keys() ?? [])];
  const seen = new Set(keys);
  for (const key of b?.keys() ?? []) if (!seen.has(key)) keys.push(key);
  return keys;
}

function unionAgents(a: ReadonlyMap<string, unknown> | undefined, b: ReadonlyMap<string, unknown> | undefined): string[] {
  return [...new Set([...(a?.keys() ?? []), ...(b?.keys() ?? [])])].sort(naturalCompare);
}
