import { describe, expect, it } from 'vitest';
import { anomalyChanges, DEFAULT_SETTINGS, formatP, pEquals, regressionGate, type AnomalyView } from '../../src/compare/gate.ts';
import { flattenMeasures, measureDeltas, type RunMeasures } from '../../src/compare/measures.ts';

describe('flattenMeasures', () => {
  it('keeps numbers and nulls in key order, dots nested objects, skips arrays, text, the agent breakdown and the wave id', () => {
    const metrics = {
      wave: 2,
      tasks: 10,
      success_rate: 0.9,
      confidence: null,
      grade: 'GOOD',
      timing: { makespan_s: 100, waiting: { p95_s: 7 } },
      reliability_bins: [{ lower: 0, upper: 0.1 }],
      per_agent: [{ agent_id: 'agent_0', tasks: 10 }],
    };
    expect([...flattenMeasures(metrics, 81.5)]).toEqual([
      ['health', 81.5],
      ['tasks', 10],
      ['success_rate', 0.9],
      ['confidence', null],
      ['timing.makespan_s', 100],
      ['timing.waiting.p95_s', 7],
    ]);
    expect([...flattenMeasures({ agent_id: 'agent_1', tasks: 3 })]).toEqual([['tasks', 3]]);
  });
});

describe('measureDeltas', () => {
  const values = (entries: [string, number | null][]): Map<string, number | null> => new Map(entries);
  const a: RunMeasures = {
    run: values([
      ['health', 80],
      ['success_rate', 0.9],
      ['observed_rate', 0.7],
      ['makespan_s', 100.1],
    ]),
    agents: new Map([['agent_10', values([['tasks', 4]])], ['agent_2', values([['tasks', 6]])]]),
    waves: new Map([[1, { values: values([['success_rate', 0.9]]), agents: new Map([['agent_2', values([['tasks', 6]])]]) }]]),
  };
  const b: RunMeasures = {
    run: values([
      ['health', 75.5],
      ['success_rate', 0.8],
      ['first_attempt_success_rate', 0.6],
      ['makespan_s', 100.3],
      ['steals', 3],
    ]),
    agents: new Map([['agent_2', values([['tasks', 10]])]]),
    waves: new Map([
      [1, { values: values([['success_rate', 0.8]]), agents: new Map() }],
      [2, { values: values([['success_rate', null]]), agents: new Map() }],
    ]),
  };
  const tests = (measure: string, wave: number | null): { pValue: number } | undefined =>
    measure === 'success_rate' ? { pValue: wave === null ? 0.01 : 0.2 } : measure === 'observed_rate' || measure === 'first_attempt_success_rate' ? { pValue: 0.5 } : undefined;
  const rows = measureDeltas(a, b, tests, 0.05);

  it('orders run, waves, agents (natural order), agents per wave; A then B-only measures', () => {
    expect(rows.map((r) => `${r.scope}:${String(r.wave)}:${String(r.agent_id)}:${r.measure}`)).toEqual([
      'run:null:null:health',
      'run:null:null:success_rate',
      'run:null:null:observed_rate',
      'run:null:null:makespan_s',
      'run:null:null:first_attempt_success_rate',
      'run:null:null:steals',
      'wave:1:null:success_rate',
      'wave:2:null:success_rate',
      'agent:null:agent_2:tasks',
      'agent:null:agent_10:tasks',
      'wave_agent:1:agent_2:tasks',
    ]);
  });

  it('gives B - A rounded to 6 decimals, null where a side is missing, and a test only where one exists', () => {
    const find = (scope: string, measure: string, wave: number | null = null, agent: string | null = null) =>
      rows.find((r) => r.scope === scope && r.measure === measure && r.wave === wave && r.agent_id === agent);
    expect(find('run', 'health')).toEqual({ scope: 'run', wave: null, agent_id: null, measure: 'health', a: 80, b: 75.5, delta: -4.5, test: null, p_value: null, significant: null });
    expect(find('run', 'makespan_s')?.delta).toBe(0.2);
    expect(find('run', 'success_rate')).toMatchObject({ delta: -0.1, test: 'mcnemar_exact', p_value: 0.01, significant: true });
    expect(find('wave', 'success_rate', 1)).toMatchObject({ delta: -0.1, test: 'mcnemar_exact', p_value: 0.2, significant: false });
    expect(find('run', 'observed_rate')).toMatchObject({ a: 0.7, b: null, delta: null, test: 'mcnemar_exact', significant: false });
    expect(find('run', 'steals')).toMatchObject({ a: null, b: 3, delta: null, test: null });
    expect(find('wave', 'success_rate', 2)).toMatchObject({ a: null, b: null, delta: null });
    expect(find('agent', 'tasks', null, 'agent_10')).toMatchObject({ a: 4, b: null, test: null });
    expect(find('wave_agent', 'tasks', 1, 'agent_2')).toMatchObject({ a: 6, b: null, test: null, significant: null });
  });
});

describe('regressionGate (contract 13: P = 5 points, R = 0.10 relative, alpha = 0.05)', () => {
  const gate = (healthA: number, healthB: number, successRateA: number | null, successRateB: number | null, pValue: number) =>
    regressionGate({ healthA, healthB, successRateA, successRateB, pValue }, DEFAULT_SETTINGS);

  it('health 85 -> 79 (drop 6 > 5) with p = 0.01: regression, exit 1, the health rule named', () => {
    const g = gate(85, 79, 0.9, 0.88, 0.01);
    expect(g).toMatchObject({ regression: true, exit_code: 1, health_drop_points: 6, health_rule: true, success_rule: false, significant: true });
    // (0.9 - 0.88) / 0.9 = 0.022222
    expect(g.success_drop).toBe(0.022222);
    expect(g.reasons).toEqual(['health dropped 6.00 points (85.00 -> 79.00), more than 5.00', 'significant (McNemar p = 0.01 < alpha 0.05)']);
  });

  it('success 0.90 -> 0.80: relative drop 0.111111 > 0.10 fires; 0.90 -> 0.81 is exactly 0.10 and does not', () => {
    const fired = gate(80, 78, 0.9, 0.8, 0.001);
    expect(fired).toMatchObject({ regression: true, success_drop: 0.111111, success_rule: true, health_rule: false });
    expect(fired.reasons[0]).toBe('success rate dropped 11.1% relative (90.0% -> 80.0%), more than 10.0%');
    expect(gate(80, 78, 0.9, 0.81, 0.001)).toMatchObject({ regression: false, success_drop: 0.1, success_rule: false, exit_code: 0 });
  });

  it('a drop of exactly 5 points does not fire (float noise rounded away)', () => {
    expect(gate(85.06, 80.06, 0.9, 0.9, 0.001)).toMatchObject({ health_drop_points: 5, health_rule: false, regression: false });
  });

  it('a large drop that is not significant is not a regression, and says why', () => {
    const g = gate(90, 70, 0.9, 0.6, 0.2);
    expect(g).toMatchObject({ health_rule: true, success_rule: true, significant: false, regression: false, exit_code: 0 });
    expect(g.reasons[2]).toBe('not significant (McNemar p = 0.2 >= alpha 0.05): not a regression');
  });

  it('p exactly alpha is not significant; an improvement never fires', () => {
    expect(gate(90, 80, 0.9, 0.5, 0.05)).toMatchObject({ significant: false, regression: false });
    const better = gate(70, 90, 0.6, 0.9, 0.0001);
    expect(better).toMatchObject({ health_drop_points: -20, success_drop: -0.5, regression: false });
    expect(better.reasons).toEqual(['no drop beyond the thresholds (health +20.00 points, success rate +50.0% relative)']);
  });

  it('the success rule cannot fire when A succeeded nowhere or had no tasks', () => {
    expect(gate(50, 50, 0, 0, 0.001)).toMatchObject({ success_drop: null, success_rule: false });
    expect(gate(50, 50, null, 0.5, 0.001)).toMatchObject({ success_drop: null, success_rule: false, regression: false });
  });
});

describe('formatP and pEquals', () => {
  it('4 significant digits, exponent form below 1e-4, an underflow as a bound, never 0', () => {
    expect(formatP(1)).toBe('1');
    expect(formatP(0.021484375)).toBe('0.02148');
    expect(formatP(0.0001)).toBe('0.0001');
    expect(formatP(2.2e-46)).toBe('2.20e-46');
    expect(formatP(0)).toBe('< 1e-300');
    expect(pEquals(0)).toBe('p < 1e-300');
    expect(pEquals(0.25)).toBe('p = 0.25');
    expect(regressionGate({ healthA: 90, healthB: 50, successRateA: 0.9, successRateB: 0.5, pValue: 0 }, DEFAULT_SETTINGS).reasons[2]).toBe(
      'significant (McNemar p < 1e-300 < alpha 0.05)',
    );
  });
});

describe('anomalyChanges', () => {
  const anomaly = (wave: number, type: AnomalyView['type'], subject: string): AnomalyView => ({ wave, type, subject, severity: 'HIGH', message: `${type} ${subject}` });
  it('keys on (wave, type, subject): appeared in B, went away from A, counted in both', () => {
    const a = [anomaly(1, 'agent_failure', 'agent_1'), anomaly(1, 'load_imbalance', 'all'), anomaly(2, 'agent_failure', 'agent_1')];
    const b = [anomaly(1, 'agent_failure', 'agent_1'), anomaly(2, 'agent_failure', 'agent_2'), anomaly(3, 'load_imbalance', 'all')];
    expect(anomalyChanges(a, b)).toEqual({
      appeared: [anomaly(2, 'agent_failure', 'agent_2'), anomaly(3, 'load_imbalance', 'all')],
      went_away: [anomaly(1, 'load_imbalance', 'all'), anomaly(2, 'agent_failure', 'agent_1')],
      in_both: 1,
    });
  });
});
