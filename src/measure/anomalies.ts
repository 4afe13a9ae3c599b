/**
 * Per-wave anomalies (contract section 6), detected from a wave's metrics record.
 *
 * Order within a wave is fixed: by type in the contract's table order (agent_failure,
 * coordination_issue, prediction_drift, load_imbalance), then agents in natural order.
 * Every comparison is strict (a figure exactly at its threshold does not fire) and is made on
 * figures rounded to 6 decimals, as recorded, so the artifacts explain every firing.
 */
import { SCHEMA_VERSION } from '../options.ts';
import type { Anomaly, WaveMetrics } from '../schema/measures.ts';
import { round } from '../util/json.ts';
import { fixed, fixedAtLeast, fixedGap, fixedVs, percentAtLeast, percentVs, plural } from '../util/format.ts';

/** Thresholds of the anomaly rules; every one a parameter with the contract's default. */
export interface AnomalyThresholds {
  /** agent_failure: attempts an agent needs before its success rate counts; default 5. */
  readonly agentFailureMinAttempts: number;
  /** agent_failure: fires when the attempt success rate is below this; default 0.50. */
  readonly agentFailureMaxSuccessRate: number;
  /** coordination_issue: fires when (reroutes + blocked) / tasks exceeds this; default 0.10. */
  readonly coordinationMaxShare: number;
  /** prediction_drift: executed tasks needed before either drift rule applies; default 30. */
  readonly driftMinExecuted: number;
  /** prediction_drift: fires when |mean p - first-attempt success rate| exceeds this; default 0.10. */
  readonly driftMaxGap: number;
  /** prediction_drift: fires when ECE exceeds this; default 0.15. */
  readonly driftMaxEce: number;
  /**
   * prediction_drift for one agent with fewer than `driftMinExecuted` first attempts: the
   * fewest it needs at all; default 5 (not in the contract: see docs/metrics.md).
   */
  readonly driftAgentMinExecuted: number;
  /**
   * prediction_drift for such an agent: the gap must also be at least this many standard
   * errors of the predicted rate, sqrt(p (1 - p) / n); default 3.
   */
  readonly driftAgentMinZ: number;
  /** load_imbalance: fires when max busy / mean busy exceeds this; default 1.5. */
  readonly loadImbalanceMaxRatio: number;
}

/** The contract's thresholds (section 6). */
export const DEFAULT_ANOMALY_THRESHOLDS: AnomalyThresholds = {
  agentFailureMinAttempts: 5,
  agentFailureMaxSuccessRate: 0.5,
  coordinationMaxShare: 0.1,
  driftMinExecuted: 30,
  driftMaxGap: 0.1,
  driftMaxEce: 0.15,
  driftAgentMinExecuted: 5,
  driftAgentMinZ: 3,
  loadImbalanceMaxRatio: 1.5,
};

/** `w<wave>-<type>-<subject>`: the same anomaly gets the same id on every run. */
export function anomalyId(wave: number, type: Anomaly['type'], subject: string): string {
  return `w${wave}-${type}-${subject}`;
}

function agentFailures(metrics: WaveMetrics, t: AnomalyThresholds): Anomaly[] {
  const found: Anomaly[] = [];
  for (const agent of metrics.per_agent) {
    const rate = agent.attempts === 0 ? null : round(agent.successful_attempts / agent.attempts);
    const lowRate = agent.attempts >= t.agentFailureMinAttempts && rate !== null && rate < t.agentFailureMaxSuccessRate;
    const opened = agent.circuit_openings > 0;
    if (!lowRate && !opened) continue;
    const reasons: string[] = [];
    if (lowRate) {
      reasons.push(
        `attempt success rate ${fixedVs(rate, t.agentFailureMaxSuccessRate)} over ${plural(agent.attempts, 'attempt')} ` +
          `(${agent.successful_attempts} succeeded) is below ${fixedAtLeast(t.agentFailureMaxSuccessRate)}`,
      );
    }
    if (opened) reasons.push(`its circuit opened ${plural(agent.circuit_openings, 'time')}`);
    found.push({
      schema_version: SCHEMA_VERSION,
      anomaly_id: anomalyId(metrics.wave, 'agent_failure', agent.agent_id),
      wave: metrics.wave,
      type: 'agent_failure',
      severity: 'HIGH',
      subject: agent.agent_id,
      message: `${agent.agent_id} in wave ${metrics.wave}: ${reasons.join('; ')}`,
      evidence: {
        attempts: agent.attempts,
        successful_attempts: agent.successful_attempts,
        attempt_success_rate: rate,
        circuit_openings: agent.circuit_openings,
        thresholds: { attempts: t.agentFailureMinAttempts, attempt_success_rate: t.agentFailureMaxSuccessRate },
      },
    });
  }
  return found;
}

function coordinationIssue(metrics: WaveMetrics, t: AnomalyThresholds): Anomaly | null {
  if (metrics.tasks === 0) return null;
  const share = round((metrics.reroutes + metrics.blocked) / metrics.tasks);
  if (!(share > t.coordinationMaxShare)) return null;
  return {
    schema_version: SCHEMA_VERSION,
    anomaly_id: anomalyId(metrics.wave, 'coordination_issue', 'all'),
    wave: metrics.wave,
    type: 'coordination_issue',
    severity: 'MEDIUM',
    subject: 'all',
    message:
      `wave ${metrics.wave}: ${plural(metrics.reroutes, 'reroute')} plus ${plural(metrics.blocked, 'blocked task')} come to ` +
      `${percentVs(share, t.coordinationMaxShare)} of its ${metrics.tasks} tasks (threshold ${percentAtLeast(t.coordinationMaxShare)})`,
    evidence: {
      tasks: metrics.tasks,
      reroutes: metrics.reroutes,
      blocked: metrics.blocked,
      reroutes_blocked_share: share,
      thresholds: { reroutes_blocked_share: t.coordinationMaxShare },
    },
  };
}

/** A calibration sample a drift rule reads: the wave's, or one agent's first attempts. */
interface DriftSample {
  readonly subject: string;
  /** Calibration sample size: the wave's executed tasks, or the agent's first attempts. */
  readonly n: number;
  readonly meanPredictedP: number | null;
  readonly firstAttemptSuccessRate: number | null;
  /** null for an agent: the ECE rule applies to the wave only. */
  readonly ece: number | null;
}

/**
 * Whether a sample is large enough for the drift rules. The wave needs `driftMinExecuted` tasks
 * (contract section 6). An agent with fewer (typically because its circuit opened early and its
 * queue was rerouted) still counts from `driftAgentMinExecuted` tasks when its gap is at least
 * `driftAgentMinZ` standard errors of the predicted rate (a one-sample z-test of a proportion).
 */
function driftEvidence(sample: DriftSample, gap: number, t: AnomalyThresholds): boolean {
  if (sample.n >= t.driftMinExecuted) return true;
  if (sample.subject === 'all' || sample.n < t.driftAgentMinExecuted) return false;
  return zScore(sample, gap) >= t.driftAgentMinZ;
}

/** gap / sqrt(p (1 - p) / n) with p the mean predicted rate; Infinity when p is 0 or 1. */
function zScore(sample: DriftSample, gap: number): number {
  const p = sample.meanPredictedP ?? 0;
  const standardError = Math.sqrt((p * (1 - p)) / sample.n);
  return standardError === 0 ? Infinity : gap / standardError;
}

function predictionDrift(wave: number, sample: DriftSample, t: AnomalyThresholds): Anomaly | null {
  const { subject, n, meanPredictedP, firstAttemptSuccessRate, ece } = sample;
  if (meanPredictedP === null || firstAttemptSuccessRate === null) return null;
  const gap = round(Math.abs(firstAttemptSuccessRate - meanPredictedP));
  if (!driftEvidence(sample, gap, t)) return null;
  const gapFires = gap > t.driftMaxGap;
  const eceFires = ece !== null && ece > t.driftMaxEce;
  if (!gapFires && !eceFires) return null;
  const reasons: string[] = [];
  if (gapFires) {
    const text = fixedGap(firstAttemptSuccessRate, meanPredictedP, t.driftMaxGap);
    reasons.push(
      `first-attempt success rate ${text.a} vs mean predicted p ${text.b} ` +
        `(gap ${text.gap} > ${fixedAtLeast(t.driftMaxGap)}` +
        (n < t.driftMinExecuted ? `, ${fixed(zScore(sample, gap), 1)} standard errors` : '') +
        ')',
    );
  }
  if (eceFires) reasons.push(`ECE ${fixedVs(ece, t.driftMaxEce)} > ${fixedAtLeast(t.driftMaxEce)}`);
  const scope = subject === 'all' ? `wave ${wave}, ${plural(n, 'executed task')}` : `${subject} in wave ${wave}, ${plural(n, 'first attempt')}`;
  return {
    schema_version: SCHEMA_VERSION,
    anomaly_id: anomalyId(wave, 'prediction_drift', subject),
    wave,
    type: 'prediction_drift',
    severity: 'MEDIUM',
    subject,
    message: `${scope}: ${reasons.join('; ')}`,
    evidence: {
      n,
      mean_predicted_p: meanPredictedP,
      first_attempt_success_rate: firstAttemptSuccessRate,
      abs_calibration_gap: gap,
      ece,
      thresholds: { n: t.driftMinExecuted, abs_calibration_gap: t.driftMaxGap, ece: t.driftMaxEce },
    },
  };
}

/** The wave's drift (subject `all`) first, then each agent's (gap rule), in agent order. */
function predictionDrifts(metrics: WaveMetrics, t: AnomalyThresholds): Anomaly[] {
  const samples: DriftSample[] = [
    {
      subject: 'all',
      n: metrics.executed,
      meanPredictedP: metrics.mean_predicted_p,
      firstAttemptSuccessRate: metrics.first_attempt_success_rate,
      ece: metrics.ece,
    },
    ...metrics.per_agent.map((a) => ({
      subject: a.agent_id,
      n: a.first_attempts,
      meanPredictedP: a.mean_predicted_p,
      firstAttemptSuccessRate: a.first_attempt_success_rate,
      ece: null,
    })),
  ];
  return samples.map((sample) => predictionDrift(metrics.wave, sample, t)).filter((a): a is Anomaly => a !== null);
}

function loadImbalance(metrics: WaveMetrics, t: AnomalyThresholds): Anomaly | null {
  const agents = metrics.per_agent;
  if (agents.length === 0) return null;
  let total = 0;
  let busiest = agents[0];
  for (const agent of agents) {
    total += agent.busy_s;
    if (busiest === undefined || agent.busy_s > busiest.busy_s) busiest = agent;
  }
  const meanBusy = total / agents.length;
  if (busiest === undefined || meanBusy <= 0) return null;
  const ratio = round(busiest.busy_s / meanBusy);
  if (!(ratio > t.loadImbalanceMaxRatio)) return null;
  return {
    schema_version: SCHEMA_VERSION,
    anomaly_id: anomalyId(metrics.wave, 'load_imbalance', 'all'),
    wave: metrics.wave,
    type: 'load_imbalance',
    severity: 'LOW',
    subject: 'all',
    message:
      `wave ${metrics.wave}: busiest agent ${busiest.agent_id} was busy ${fixed(busiest.busy_s, 1)} s, ` +
      `${fixedVs(ratio, t.loadImbalanceMaxRatio)}x the mean ${fixed(meanBusy, 1)} s (threshold ${fixedAtLeast(t.loadImbalanceMaxRatio)}x)`,
    evidence: {
      busiest_agent_id: busiest.agent_id,
      max_busy_s: busiest.busy_s,
      mean_busy_s: round(meanBusy),
      max_mean_busy_ratio: ratio,
      thresholds: { max_mean_busy_ratio: t.loadImbalanceMaxRatio },
    },
  };
}

/**
 * The anomalies of one wave, in the fixed order described above.
 * @param metrics - the wave's metrics from `computeWaveMetrics` (per-agent figures included)
 * @param thresholds - rule thresholds; default {@link DEFAULT_ANOMALY_THRESHOLDS}
 */
export function detectAnomalies(metrics: WaveMetrics, thresholds: AnomalyThresholds = DEFAULT_ANOMALY_THRESHOLDS): Anomaly[] {
  const coordination = coordinationIssue(metrics, thresholds);
  const imbalance = loadImbalance(metrics, thresholds);
  return [
    ...agentFailures(metrics, thresholds),
    ...(coordination === null ? [] : [coordination]),
    ...predictionDrifts(metrics, thresholds),
    ...(imbalance === null ? [] : [imbalance]),
  ];
}
