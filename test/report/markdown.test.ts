/**
 * The run report on a hand-built two-wave, two-agent run (agents agent_2 and agent_10, given
 * in natural order). Figures: 8 tasks (6 ok, 1 failed, 1 blocked), health 64.10 FAIR, wave
 * health 60.00 then 70.50 (sparkline bins floor(s x 8 / 100): 4 -> ▅, 5 -> ▆).
 */
import { describe, expect, it } from 'vitest';
import { renderRunReport, RUN_REPORT_SECTIONS, RUN_REPORT_TITLE, worldSentence } from '../../src/report/markdown.ts';
import type { RunReportInput } from '../../src/report/markdown.ts';
import { SCHEMA_VERSION } from '../../src/options.ts';
import type { AgentMetrics, Anomaly, Health, MetricsCore, WaveMetrics } from '../../src/schema/measures.ts';
import { AnomalySchema } from '../../src/schema/measures.ts';
import type { Signal } from '../../src/schema/signals.ts';
import { SignalSchema } from '../../src/schema/signals.ts';
import type { ExecutionSummary, SystemHealth } from '../../src/schema/summaries.ts';
import { executionSummarySchema, systemHealthSchema } from '../../src/schema/summaries.ts';

function agent(over: Partial<AgentMetrics> & { agent_id: string }): AgentMetrics {
  return {
    tasks: 4, succeeded: 3, failed: 1, blocked: 0, success_rate: 0.75, attempts: 5, successful_attempts: 4,
    attempt_success_rate: 0.8, retries: 1, busy_s: 80, open_s: 0, circuit_openings: 0, steals: 0, utilization: 0.32,
    first_attempts: 0, mean_predicted_p: null, first_attempt_success_rate: null, calibration_gap: null,
    mean_attempt_duration_s: 16, ...over,
  };
}

const AGENT_2 = agent({
  agent_id: 'agent_2', attempts: 6, successful_attempts: 3, attempt_success_rate: 0.5, retries: 2, busy_s: 120.04,
  utilization: 0.48, first_attempts: 3, mean_predicted_p: 0.8, first_attempt_success_rate: 0.6667, calibration_gap: -0.1333,
});
const AGENT_10 = agent({ agent_id: 'agent_10' });

function core(over: Partial<MetricsCore> = {}): MetricsCore {
  return {
    tasks: 4, succeeded: 3, failed: 0, blocked: 1, executed: 3, success_rate: 0.75, availability: 0.9, accuracy: 1,
    load_balance: 0.8124, mean_predicted_p: 0.8, first_attempt_success_rate: 0.6667, calibration_gap: -0.1333, makespan_s: 100, utilization: 0.625,
    waiting_mean_s: 3.24, waiting_p95_s: 9.87, attempts: 5, retries: 1, reroutes: 1, steals: 0, circuit_openings: 0,
    brier: 0.187649, log_loss: 0.55, ece: null, mce: null, reliability_bins: [], duration_mape: null,
    brier_reliability: null, brier_resolution: null, brier_uncertainty: null, brier_within_bin_variance: null, brier_within_bin_covariance: null, ece_ci_low: null, ece_ci_high: null, reliability_bins_equal_mass: [],
    per_agent: [AGENT_2, AGENT_10], ...over,
  };
}

function health(score: number, grade: Health['grade']): Health {
  return { score, grade, components: { success_rate: 0.75, availability: 0.9, accuracy: 1, load_balance: 0.8124 } };
}

function waveEntry(wave: number, score: number, grade: Health['grade'], over: Partial<MetricsCore> = {}): SystemHealth['waves'][number] {
  const metrics: WaveMetrics = { wave, ...core(over), critical_path_s: 40, makespan_lower_bound_s: 60, makespan_efficiency: 0.6 };
  return { wave, health: health(score, grade), metrics };
}

function systemHealth(scores: readonly [number, number] = [60, 70.5]): SystemHealth {
  return {
    schema_version: SCHEMA_VERSION,
    run: { health: health(64.1, 'FAIR'), metrics: { waves: 2, ...core({ tasks: 8, succeeded: 6, failed: 1, makespan_s: 250.26, utilization: 0.5 }) } },
    waves: [
      waveEntry(1, scores[0], 'FAIR'),
      waveEntry(2, scores[1], 'GOOD', { failed: 1, blocked: 0, success_rate: null, waiting_p95_s: null, retries: 2, reroutes: 0, circuit_openings: 1 }),
    ],
    trend: [{ wave: 1, health_score: scores[0], health_grade: 'FAIR' }, { wave: 2, health_score: scores[1], health_grade: 'GOOD' }],
  };
}

const T = '2025-01-01T00:00:00.000Z';
const SUMMARY: ExecutionSummary = {
  schema_version: SCHEMA_VERSION, status: 'completed', reason: null, strategy: 'load_balanced', seed: 21, world: 'simulated', epoch: T, start_time: T,
  end_time: '2025-01-01T00:04:10.260Z', makespan_s: 250.26, agent_ids: ['agent_2', 'agent_10'],
  totals: { waves: 2, tasks: 8, succeeded: 6, failed: 1, blocked: 1, attempts: 11, retries: 3, reroutes: 1, steals: 0, circuit_openings: 0, rejected_lines: 2, attempts_by_source: { simulated: 11, recorded: 0, subprocess: 0 } },
  success_rate: 0.75, health_score: 64.1, health_grade: 'FAIR',
  waves: [
    { wave: 1, tasks: 4, succeeded: 3, failed: 0, blocked: 1, success_rate: 0.75, health_score: 60, health_grade: 'FAIR', makespan_s: 100, start_time: T, end_time: T, anomalies: 1, attempts_by_source: { simulated: 5, recorded: 0, subprocess: 0 } },
    { wave: 2, tasks: 4, succeeded: 3, failed: 1, blocked: 0, success_rate: 0.75, health_score: 70.5, health_grade: 'GOOD', makespan_s: 150.26, start_time: T, end_time: T, anomalies: 1, attempts_by_source: { simulated: 6, recorded: 0, subprocess: 0 } },
  ],
  anomalies_by_type: { agent_failure: 1, coordination_issue: 0, prediction_drift: 0, load_imbalance: 1 },
  signals_by_type: { agent_performance: 1, multi_agent_coordination: 1, heuristic_feedback: 0, prediction_validation: 1 },
};

const ANOMALIES: Anomaly[] = [
  {
    schema_version: SCHEMA_VERSION, anomaly_id: 'w1-load_imbalance-all', wave: 1, type: 'load_imbalance', severity: 'LOW', subject: 'all',
    message: 'agent_2 busy 1.60 x the mean', evidence: { busiest_agent_id: 'agent_2', max_busy_s: 64, mean_busy_s: 40, max_mean_busy_ratio: 1.6, thresholds: { max_mean_busy_ratio: 1.5 } },
  },
  {
    schema_version: SCHEMA_VERSION, anomaly_id: 'w2-agent_failure-agent_2', wave: 2, type: 'agent_failure', severity: 'HIGH', subject: 'agent_2',
    message: 'agent_2 | 3 of 6 attempts failed',
    evidence: { attempts: 6, successful_attempts: 3, attempt_success_rate: 0.5, circuit_openings: 1, thresholds: { attempts: 5, attempt_success_rate: 0.5 } },
  },
];

function apSignal(wave: number, recommendations: string[]): Signal {
  const { agent_id: _id, ...content } = AGENT_2;
  return {
    schema_version: SCHEMA_VERSION, signal_id: `w${wave}-agent_performance-agent_2`, signal_type: 'agent_performance', target_phase: 18,
    wave, subject: 'agent_2', confidence: 0.7, content, recommendations,
  };
}

const SIGNALS: Signal[] = [
  apSignal(1, ['recalibrate agent_2: observed 0.67 vs predicted 0.80 over 3 tasks', 'check agent_2: its circuit opened 1 time in wave 2']),
  {
    schema_version: SCHEMA_VERSION, signal_id: 'w1-multi_agent_coordination-all', signal_type: 'multi_agent_coordination', target_phase: 18,
    wave: 1, subject: 'all', confidence: 0.7,
    content: {
      strategy: 'load_balanced', tasks: 4, agents: [{ agent_id: 'agent_2', tasks: 2, busy_s: 64 }, { agent_id: 'agent_10', tasks: 2, busy_s: 16 }],
      load_balance: 0.625, max_mean_busy_ratio: 1.6, busy_cv: 0.6, makespan_s: 100, utilization: 0.4, waiting_mean_s: 3.24, waiting_p95_s: 9.87,
      reroutes: 1, steals: 0, blocked: 1, circuit_openings: 0, critical_path_s: 40, makespan_lower_bound_s: 60, makespan_efficiency: 0.6,
    },
    recommendations: ['rebalance load under load_balanced'],
  },
  {
    schema_version: SCHEMA_VERSION, signal_id: 'w2-prediction_validation-all', signal_type: 'prediction_validation', target_phase: 20,
    wave: 2, subject: 'all', confidence: 0.7,
    content: { n: 4, mean_predicted_p: 0.8, first_attempt_success_rate: 0.75, calibration_gap: -0.05, brier: 0.18, log_loss: 0.55, ece: 0.05, mce: 0.05, reliability_bins: [],
      brier_reliability: null, brier_resolution: null, brier_uncertainty: null, brier_within_bin_variance: null, brier_within_bin_covariance: null, ece_ci_low: null, ece_ci_high: null, reliability_bins_equal_mass: [] },
    recommendations: ['recalibrate agent_2: observed 0.67 vs predicted 0.80 over 3 tasks', 'improve the forecasts'],
  },
];

function input(over: Partial<RunReportInput> = {}): RunReportInput {
  return { summary: SUMMARY, health: systemHealth(), anomalies: ANOMALIES, signals: SIGNALS, ...over };
}

/** The text of one `##` section, up to the next `##` heading. */
function section(md: string, name: string): string {
  const start = md.indexOf(`\n## ${name}\n`);
  expect(start).toBeGreaterThanOrEqual(0);
  const next = md.indexOf('\n## ', start + 1);
  return md.slice(start, next < 0 ? undefined : next);
}

const MD = renderRunReport(input());

describe('renderRunReport', () => {
  it('has schema-valid fixtures', () => {
    expect(() => executionSummarySchema.parse(SUMMARY)).not.toThrow();
    expect(() => systemHealthSchema.parse(systemHealth())).not.toThrow();
    for (const a of ANOMALIES) expect(() => AnomalySchema.parse(a)).not.toThrow();
    for (const s of SIGNALS) expect(() => SignalSchema.parse(s)).not.toThrow();
  });

  it('has the title and every section heading, in order', () => {
    expect(MD.startsWith(`${RUN_REPORT_TITLE}\n\n## Executive Summary\n`)).toBe(true);
    const headings = MD.split('\n').filter((l) => l.startsWith('## ')).map((l) => l.slice(3));
    expect(headings).toEqual([...RUN_REPORT_SECTIONS]);
    expect(headings).toEqual(['Executive Summary', 'Health Trend', 'Wave Breakdown', 'Agent Performance', 'Calibration', 'Anomalies and Alerts', 'Learning Signals', 'Recommendations']);
  });

  it('ends with a single newline and has no doubled blank lines', () => {
    expect(MD.endsWith('\n')).toBe(true);
    expect(MD.endsWith('\n\n')).toBe(false);
    expect(MD).not.toContain('\n\n\n');
  });

  it('is deterministic', () => {
    expect(renderRunReport(input())).toBe(MD);
  });

  it('states the figures in the executive summary', () => {
    const s = section(MD, 'Executive Summary');
    expect(s).toContain(
      'Run health is 64.10 (FAIR) with a success rate of 75.0%. Of 8 tasks in 2 waves, 6 succeeded, 1 failed and 1 was blocked by a safety gate. ' +
        'The run used the `load_balanced` strategy with seed 21; the simulated makespan was 250.3 s, with 3 retries, 1 reroute, 0 steals and 0 circuit openings. ' +
        'World: `simulated` — 11 attempts simulated. ' +
        '2 input lines were rejected and written to `rejected.jsonl`. ' +
        'Files named in this report are relative to the output folder; its path and the input files are in `run.json`.',
    );
    expect(s).toContain('| Brier score | 0.1876 |');
    expect(s).toContain('| Log loss | 0.5500 |');
    expect(s).toContain('| ECE | n/a |');
    expect(s).toContain('| Accuracy (1 - ECE) | 100.0% |');
    expect(s).toContain('| Availability | 90.0% |');
    expect(s).toContain('| Load balance | 81.2% |');
    expect(s).toContain('| Utilization | 50.0% |');
    expect(s).toContain('| Duration MAPE (first attempts) | n/a |');
  });

  it('says which world ran and, replaying, how many attempts were recorded and how many simulated', () => {
    const totals = (simulated: number, recorded: number, subprocess: number) => ({ ...SUMMARY.totals, attempts_by_source: { simulated, recorded, subprocess } });
    expect(worldSentence({ world: 'replay', totals: totals(37, 812, 0) })).toBe('World: `replay` — 812 attempts recorded, 37 simulated.');
    expect(worldSentence({ world: 'replay', totals: totals(0, 1, 0) })).toBe('World: `replay` — 1 attempt recorded.');
    expect(worldSentence({ world: 'subprocess', totals: totals(0, 0, 5) })).toBe('World: `subprocess` — 5 attempts run as a real command.');
    expect(worldSentence({ world: 'simulated', totals: totals(0, 0, 0) })).toBe('World: `simulated` — no attempt ran.');
    const md = renderRunReport(input({ summary: { ...SUMMARY, world: 'replay', totals: totals(3, 8, 0) } }));
    expect(section(md, 'Executive Summary')).toContain('0 circuit openings. World: `replay` — 8 attempts recorded, 3 simulated. 2 input lines');
  });

  it('leaves out the rejected sentence when nothing was rejected', () => {
    const md = renderRunReport(input({ summary: { ...SUMMARY, totals: { ...SUMMARY.totals, rejected_lines: 0 } } }));
    expect(md).not.toContain('rejected');
  });

  it('renders the health trend table, sparkline and direction', () => {
    const s = section(MD, 'Health Trend');
    expect(s).toContain('| 1 | 60.00 | FAIR | 75.0% | 90.0% | 100.0% | 81.2% |');
    expect(s).toContain('| 2 | 70.50 | GOOD | n/a | 90.0% | 100.0% | 81.2% |');
    expect(s).toContain('Health by wave (scale 0 to 100): ▅▆');
    expect(s).toContain('The trend is improving: health went from 60.00 in wave 1 to 70.50 in wave 2 (+10.50 points).');
  });

  it('calls a change of at most 2 points steady and a larger drop declining', () => {
    const steady = section(renderRunReport(input({ health: systemHealth([64.1, 66.1]) })), 'Health Trend');
    expect(steady).toContain('The trend is steady: health went from 64.10 in wave 1 to 66.10 in wave 2 (+2.00 points, within 2 points).');
    const down = section(renderRunReport(input({ health: systemHealth([60, 57.99]) })), 'Health Trend');
    expect(down).toContain('The trend is declining: health went from 60.00 in wave 1 to 57.99 in wave 2 (-2.01 points).');
    expect(down).toContain('scale 0 to 100): ▅▅');
  });

  it('has one wave-breakdown row per wave', () => {
    const s = section(MD, 'Wave Breakdown');
    expect(s).toContain('| 1 | 4 | 3 | 0 | 1 | 75.0% | 100.0 | 40.0 | 60.0% | 62.5% | 3.2 | 9.9 | 1 | 1 | 0 | 0 | 1 |');
    expect(s).toContain('| 2 | 4 | 3 | 1 | 0 | 75.0% | 150.3 | 40.0 | 60.0% | 62.5% | 3.2 | n/a | 2 | 0 | 0 | 1 | 1 |');
    expect(s.split('\n').filter((l) => /^\| \d/.test(l)).length).toBe(2);
  });

  it('lists the agents and names the best and worst', () => {
    const s = section(MD, 'Agent Performance');
    expect(s).toContain('| agent_2 | 4 | 75.0% | 6 | 50.0% | 80.0% | 66.7% | -13.3 pp | 120.0 | 48.0% | 0 | 0 |');
    expect(s).toContain('| agent_10 | 4 | 75.0% | 5 | 80.0% | n/a | n/a | n/a | 80.0 | 32.0% | 0 | 0 |');
    expect(s).toContain('Best attempt success rate: agent_10 (80.0%); worst: agent_2 (50.0%).');
  });

  it('breaks best/worst ties by natural order and notes equal rates', () => {
    const withAgents = (per_agent: AgentMetrics[]): string => {
      const h = systemHealth();
      return section(renderRunReport(input({ health: { ...h, run: { ...h.run, metrics: { ...h.run.metrics, per_agent } } } })), 'Agent Performance');
    };
    const tied = withAgents([
      agent({ agent_id: 'agent_10', attempt_success_rate: 0.8 }),
      agent({ agent_id: 'agent_3', attempt_success_rate: 0.5 }),
      agent({ agent_id: 'agent_2', attempt_success_rate: 0.8 }),
      agent({ agent_id: 'agent_4', attempt_success_rate: 0.5 }),
    ]);
    expect(tied).toContain('Best attempt success rate: agent_2 (80.0%); worst: agent_3 (50.0%).');
    const equal = withAgents([agent({ agent_id: 'a' }), agent({ agent_id: 'b' }), agent({ agent_id: 'c', attempts: 0, attempt_success_rate: null })]);
    expect(equal).toContain('All 2 agents that ran attempts have the same attempt success rate (80.0%).');
    const single = withAgents([agent({ agent_id: 'a' })]);
    expect(single).not.toContain('attempt success rate:');
    expect(single).not.toContain('All ');
  });

  it('tables the anomalies in the given order with pipes escaped', () => {
    const s = section(MD, 'Anomalies and Alerts');
    expect(s).toContain('2 anomalies were detected: 1 agent_failure and 1 load_imbalance.');
    const rows = s.split('\n').filter((l) => /^\| \d/.test(l));
    expect(rows).toEqual([
      '| 1 | LOW | load_imbalance | all | agent_2 busy 1.60 x the mean |',
      '| 2 | HIGH | agent_failure | agent_2 | agent_2 \\| 3 of 6 attempts failed |',
    ]);
  });

  it('says when there are no anomalies', () => {
    const s = section(renderRunReport(input({ anomalies: [] })), 'Anomalies and Alerts');
    expect(s).toContain('No anomalies were detected.');
    expect(s).not.toContain('| wave |');
  });

  it('counts signals per type and names the files relative to the output folder', () => {
    const s = section(MD, 'Learning Signals');
    expect(s).toContain('3 learning signals were produced. Every signal is in `phase21_learning_signals.jsonl`');
    expect(s).toContain('| agent_performance | Phase 18 | 1 | `feedback/phase18/coordination_feedback.jsonl` |');
    expect(s).toContain('| multi_agent_coordination | Phase 18 | 1 | `feedback/phase18/coordination_feedback.jsonl` |');
    expect(s).toContain('| heuristic_feedback | Phase 16 | 0 | `feedback/phase16/heuristic_feedback.jsonl` |');
    expect(s).toContain('| prediction_validation | Phase 20 | 1 | `feedback/phase20/prediction_validation_feedback.jsonl` |');
  });

  it('de-duplicates recommendations, keeping first occurrences', () => {
    const s = section(MD, 'Recommendations');
    expect(s.trim().split('\n').slice(2)).toEqual([
      '- recalibrate agent_2: observed 0.67 vs predicted 0.80 over 3 tasks',
      '- check agent_2: its circuit opened 1 time in wave 2',
      '- rebalance load under load_balanced',
      '- improve the forecasts',
    ]);
    expect(s).not.toContain('more in the feedback files');
  });

  it('caps recommendations at 20', () => {
    const recs = Array.from({ length: 25 }, (_, i) => `rec ${i + 1}`);
    const md = renderRunReport(input({ signals: [apSignal(1, recs), apSignal(2, ['rec 3', 'rec 26'])] }));
    const s = section(md, 'Recommendations');
    const bullets = s.split('\n').filter((l) => l.startsWith('- '));
    expect(bullets.length).toBe(20);
    expect(bullets[0]).toBe('- rec 1');
    expect(bullets[19]).toBe('- rec 20');
    expect(s).toContain('\n\n... and 6 more in the feedback files.');
  });

  it('says when there are no recommendations or signals', () => {
    const md = renderRunReport(input({ signals: [] }));
    expect(section(md, 'Recommendations')).toContain('No recommendations.');
    expect(section(md, 'Learning Signals')).toContain('No learning signals were produced.');
  });

  it('renders a run without waves or agents', () => {
    const h = systemHealth();
    const md = renderRunReport({
      ...input({ anomalies: [], signals: [] }),
      summary: { ...SUMMARY, waves: [], totals: { ...SUMMARY.totals, waves: 0, tasks: 0, succeeded: 0, failed: 0, blocked: 0 }, success_rate: null },
      health: { ...h, waves: [], trend: [], run: { ...h.run, metrics: { ...h.run.metrics, per_agent: [] } } },
    });
    expect(md).toContain('with a success rate of n/a.');
    expect(md).toContain('Of 0 tasks in 0 waves, 0 succeeded, 0 failed and 0 were blocked');
    expect(section(md, 'Health Trend')).toContain('No waves were run, so there is no health trend.');
    expect(section(md, 'Wave Breakdown')).toContain('No waves were run.');
    expect(section(md, 'Agent Performance')).toContain('No agent figures are available.');
  });

  it('says a single wave has no trend', () => {
    const h = systemHealth();
    const md = renderRunReport(input({ health: { ...h, waves: h.waves.slice(0, 1) } }));
    expect(section(md, 'Health Trend')).toContain('Only one wave was run, so there is no trend: wave 1 scored 60.00.');
  });
});
