import { describe, expect, it } from 'vitest';
import { DEFAULT_ANOMALY_THRESHOLDS, detectAnomalies } from '../../src/measure/anomalies.ts';
import { computeWaveMetrics } from '../../src/measure/metrics.ts';
import { AnomalySchema, type AgentMetrics, type WaveMetrics } from '../../src/schema/measures.ts';
import { AGENTS, WAVE_1, profile } from './fixture.ts';

// A quiet wave 2 with agents agent_2 and agent_10 (natural order), every figure neutral.
const BASE = computeWaveMetrics({ wave: 2, startS: 0, endS: 100, outcomes: [], agents: [], gateDecisions: [] }, [profile('agent_10'), profile('agent_2')]);

function agent(agentId: string, patch: Partial<AgentMetrics>): AgentMetrics {
  const found = BASE.per_agent.find((a) => a.agent_id === agentId);
  if (found === undefined) throw new Error(agentId);
  return { ...found, busy_s: 10, ...patch };
}

function wave(patch: Partial<WaveMetrics>, agents: Partial<Record<'agent_2' | 'agent_10', Partial<AgentMetrics>>> = {}): WaveMetrics {
  return { ...BASE, tasks: 20, per_agent: [agent('agent_2', agents.agent_2 ?? {}), agent('agent_10', agents.agent_10 ?? {})], ...patch };
}

function types(metrics: WaveMetrics): string[] {
  return detectAnomalies(metrics).map((a) => a.anomaly_id);
}

describe('agent_failure (HIGH)', () => {
  it('fires for >= 5 attempts with success rate < 0.50', () => {
    const [a] = detectAnomalies(wave({}, { agent_2: { attempts: 5, successful_attempts: 2 } }));
    expect(a).toMatchObject({ anomaly_id: 'w2-agent_failure-agent_2', type: 'agent_failure', severity: 'HIGH', subject: 'agent_2' });
    expect(a?.message).toBe('agent_2 in wave 2: attempt success rate 0.40 over 5 attempts (2 succeeded) is below 0.50');
    expect(a?.evidence).toEqual({
      attempts: 5,
      successful_attempts: 2,
      attempt_success_rate: 0.4,
      circuit_openings: 0,
      thresholds: { attempts: 5, attempt_success_rate: 0.5 },
    });
  });

  it('prints a rate just under the threshold with the decimals that show it', () => {
    const [a] = detectAnomalies(wave({}, { agent_2: { attempts: 1001, successful_attempts: 500 } }));
    // 500 / 1001 = 0.4995005, recorded as 0.4995: 2 and 3 decimals (0.50, 0.500) would read as the threshold.
    expect(a?.message).toBe('agent_2 in wave 2: attempt success rate 0.4995 over 1001 attempts (500 succeeded) is below 0.50');
  });

  it('prints a custom threshold exactly, and the rate with the decimals that keep it below', () => {
    // 0.4985 of 2000 attempts against a threshold of 0.499: 2 decimals would print 0.50 vs 0.50.
    const t = { ...DEFAULT_ANOMALY_THRESHOLDS, agentFailureMaxSuccessRate: 0.499 };
    const [a] = detectAnomalies(wave({}, { agent_2: { attempts: 2000, successful_attempts: 997 } }), t);
    expect(a?.message).toBe('agent_2 in wave 2: attempt success rate 0.4985 over 2000 attempts (997 succeeded) is below 0.499');
  });

  it('names both reasons when the rate is low and the circuit opened', () => {
    const [a] = detectAnomalies(wave({}, { agent_2: { attempts: 25, successful_attempts: 11, circuit_openings: 1 } }));
    expect(a?.message).toBe('agent_2 in wave 2: attempt success rate 0.44 over 25 attempts (11 succeeded) is below 0.50; its circuit opened 1 time');
  });

  it('does not fire at exactly 0.50, nor below 5 attempts', () => {
    expect(types(wave({}, { agent_2: { attempts: 10, successful_attempts: 5 } }))).toEqual([]);
    expect(types(wave({}, { agent_2: { attempts: 4, successful_attempts: 0 } }))).toEqual([]);
  });

  it('fires when the circuit opened, whatever the attempts', () => {
    const [a] = detectAnomalies(wave({}, { agent_10: { attempts: 0, successful_attempts: 0, circuit_openings: 2 } }));
    expect(a?.anomaly_id).toBe('w2-agent_failure-agent_10');
    expect(a?.message).toBe('agent_10 in wave 2: its circuit opened 2 times');
  });
});

describe('coordination_issue (MEDIUM)', () => {
  it('does not fire at exactly 10% of tasks', () => {
    expect(types(wave({ reroutes: 1, blocked: 1 }))).toEqual([]); // 2 / 20
  });

  it('fires above 10%', () => {
    const [a] = detectAnomalies(wave({ reroutes: 2, blocked: 1 })); // 3 / 20
    expect(a).toMatchObject({ anomaly_id: 'w2-coordination_issue-all', severity: 'MEDIUM', subject: 'all' });
    expect(a?.evidence).toEqual({ tasks: 20, reroutes: 2, blocked: 1, reroutes_blocked_share: 0.15, thresholds: { reroutes_blocked_share: 0.1 } });
    expect(a?.message).toBe('wave 2: 2 reroutes plus 1 blocked task come to 15.0% of its 20 tasks (threshold 10.0%)');
  });
});

describe('prediction_drift (MEDIUM)', () => {
  const drift = { executed: 30, mean_predicted_p: 0.8, first_attempt_success_rate: 0.7, ece: 0.15 };

  it('does not fire at gap 0.10 and ECE 0.15 exactly', () => {
    expect(types(wave(drift))).toEqual([]);
  });

  it('fires on a gap above 0.10', () => {
    const [a] = detectAnomalies(wave({ ...drift, first_attempt_success_rate: 0.69 }));
    expect(a).toMatchObject({ anomaly_id: 'w2-prediction_drift-all', severity: 'MEDIUM' });
    expect(a?.evidence).toEqual({
      n: 30,
      mean_predicted_p: 0.8,
      first_attempt_success_rate: 0.69,
      abs_calibration_gap: 0.11,
      ece: 0.15,
      thresholds: { n: 30, abs_calibration_gap: 0.1, ece: 0.15 },
    });
    expect(a?.message).toBe('wave 2, 30 executed tasks: first-attempt success rate 0.69 vs mean predicted p 0.80 (gap 0.11 > 0.10)');
  });

  it('fires on ECE above 0.15, printing enough decimals to show it is above', () => {
    const [a] = detectAnomalies(wave({ ...drift, ece: 0.150001 }));
    expect(a?.anomaly_id).toBe('w2-prediction_drift-all');
    expect(a?.message).toBe('wave 2, 30 executed tasks: ECE 0.150001 > 0.15');
  });

  it('prints the two rates so that their difference is the printed gap', () => {
    const [a] = detectAnomalies(wave({ ...drift, mean_predicted_p: 0.6447, first_attempt_success_rate: 0.4474, ece: 0.1 }));
    // 0.45 vs 0.64 would read as a gap of 0.19 next to "(gap 0.20 > 0.10)".
    expect(a?.message).toBe('wave 2, 30 executed tasks: first-attempt success rate 0.4474 vs mean predicted p 0.6447 (gap 0.1973 > 0.10)');
  });

  it('needs at least 30 executed tasks for either rule', () => {
    expect(types(wave({ ...drift, executed: 29, first_attempt_success_rate: 0.2, ece: 0.6 }))).toEqual([]);
  });

  it('fires for one agent whose first attempts fall short of its predictions, after the wave-level one', () => {
    // agent_10: 40 first attempts (>= 30), mean p 0.81 vs observed 0.65 -> gap 0.16 > 0.10.
    // agent_2: 29 tasks, 0.90 vs 0.80 -> gap 0.10: not above the gap threshold.
    const metrics = wave(
      { ...drift, first_attempt_success_rate: 0.69 },
      {
        agent_10: { first_attempts: 40, mean_predicted_p: 0.81, first_attempt_success_rate: 0.65 },
        agent_2: { first_attempts: 29, mean_predicted_p: 0.9, first_attempt_success_rate: 0.8 },
      },
    );
    const found = detectAnomalies(metrics).filter((a) => a.type === 'prediction_drift');
    expect(found.map((a) => a.anomaly_id)).toEqual(['w2-prediction_drift-all', 'w2-prediction_drift-agent_10']);
    expect(found[1]?.message).toBe('agent_10 in wave 2, 40 first attempts: first-attempt success rate 0.65 vs mean predicted p 0.81 (gap 0.16 > 0.10)');
    expect(found[1]?.evidence).toMatchObject({ n: 40, abs_calibration_gap: 0.16, ece: null });
  });

  it('accepts fewer than 30 first attempts on an agent only when the gap is at least 3 standard errors', () => {
    // agent_2: n = 6, p 0.65, observed 0: SE = sqrt(0.65 x 0.35 / 6) = 0.194722, z = 0.65 / SE = 3.34 -> fires.
    // agent_10: n = 20, p 0.80, observed 0.55: SE = sqrt(0.8 x 0.2 / 20) = 0.089443, z = 0.25 / SE = 2.80 -> quiet.
    const metrics = wave(
      {},
      {
        agent_2: { first_attempts: 6, mean_predicted_p: 0.65, first_attempt_success_rate: 0 },
        agent_10: { first_attempts: 20, mean_predicted_p: 0.8, first_attempt_success_rate: 0.55 },
      },
    );
    const found = detectAnomalies(metrics).filter((a) => a.type === 'prediction_drift');
    expect(found.map((a) => a.anomaly_id)).toEqual(['w2-prediction_drift-agent_2']);
    expect(found[0]?.message).toBe(
      'agent_2 in wave 2, 6 first attempts: first-attempt success rate 0.00 vs mean predicted p 0.65 (gap 0.65 > 0.10, 3.3 standard errors)',
    );
    // Below 5 first attempts nothing counts, however large the gap.
    const tiny = wave({}, { agent_2: { first_attempts: 4, mean_predicted_p: 0.9, first_attempt_success_rate: 0 } });
    expect(detectAnomalies(tiny).filter((a) => a.type === 'prediction_drift')).toEqual([]);
  });
});

describe('load_imbalance (LOW)', () => {
  it('does not fire at max / mean = 1.5', () => {
    expect(types(wave({}, { agent_2: { busy_s: 30 }, agent_10: { busy_s: 10 } }))).toEqual([]);
  });

  it('fires above 1.5 and names the busiest agent', () => {
    const [a] = detectAnomalies(wave({}, { agent_2: { busy_s: 9 }, agent_10: { busy_s: 31 } }));
    expect(a).toMatchObject({ anomaly_id: 'w2-load_imbalance-all', severity: 'LOW', subject: 'all' });
    expect(a?.evidence).toEqual({
      busiest_agent_id: 'agent_10',
      max_busy_s: 31,
      mean_busy_s: 20,
      max_mean_busy_ratio: 1.55,
      thresholds: { max_mean_busy_ratio: 1.5 },
    });
    expect(a?.message).toBe('wave 2: busiest agent agent_10 was busy 31.0 s, 1.55x the mean 20.0 s (threshold 1.50x)');
  });

  it('does not fire when nobody was busy', () => {
    expect(types(wave({}, { agent_2: { busy_s: 0 }, agent_10: { busy_s: 0 } }))).toEqual([]);
  });
});

describe('detectAnomalies', () => {
  it('orders by type, then agents in natural order, and validates against the schema', () => {
    const m = wave(
      { reroutes: 5, blocked: 0, executed: 30, mean_predicted_p: 0.9, first_attempt_success_rate: 0.5, ece: 0.4 },
      { agent_2: { attempts: 6, successful_attempts: 1, busy_s: 50 }, agent_10: { circuit_openings: 1, busy_s: 1 } },
    );
    const anomalies = detectAnomalies(m);
    expect(anomalies.map((a) => a.anomaly_id)).toEqual([
      'w2-agent_failure-agent_2',
      'w2-agent_failure-agent_10',
      'w2-coordination_issue-all',
      'w2-prediction_drift-all',
      'w2-load_imbalance-all',
    ]);
    for (const a of anomalies) expect(AnomalySchema.parse(a)).toEqual(a);
    expect(JSON.stringify(detectAnomalies(m))).toBe(JSON.stringify(anomalies));
  });

  it('takes thresholds as a parameter', () => {
    const m = wave({ reroutes: 1, blocked: 0 });
    expect(types(m)).toEqual([]);
    expect(detectAnomalies(m, { ...DEFAULT_ANOMALY_THRESHOLDS, coordinationMaxShare: 0.04 }).map((a) => a.type)).toEqual(['coordination_issue']);
  });

  it('on the hand-built wave 1: agent_1 opened its circuit; reroutes + blocked = 2 of 5 tasks', () => {
    expect(detectAnomalies(computeWaveMetrics(WAVE_1, AGENTS)).map((a) => a.anomaly_id)).toEqual(['w1-agent_failure-agent_1', 'w1-coordination_issue-all']);
  });
});
