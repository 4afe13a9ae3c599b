/**
 * `agent_performance` signals (contract section 7, to Phase 18): one per agent and wave,
 * built from the wave's per-agent metrics. Confidence by the agent's task count.
 */
import { SCHEMA_VERSION } from '../options.ts';
import type { AgentMetrics, WaveMetrics } from '../schema/measures.ts';
import type { AgentPerformanceContent, AgentPerformanceSignal } from '../schema/signals.ts';
import { TARGET_PHASE, confidenceFor, signalId } from './common.ts';
import { agentPerformanceRecommendations } from './recommendations.ts';

/** The signal's content: the agent's metrics without its id (the subject carries it). */
export function agentPerformanceContent(a: AgentMetrics): AgentPerformanceContent {
  return {
    tasks: a.tasks,
    succeeded: a.succeeded,
    failed: a.failed,
    blocked: a.blocked,
    success_rate: a.success_rate,
    attempts: a.attempts,
    successful_attempts: a.successful_attempts,
    attempt_success_rate: a.attempt_success_rate,
    retries: a.retries,
    busy_s: a.busy_s,
    open_s: a.open_s,
    circuit_openings: a.circuit_openings,
    steals: a.steals,
    utilization: a.utilization,
    first_attempts: a.first_attempts,
    mean_predicted_p: a.mean_predicted_p,
    first_attempt_success_rate: a.first_attempt_success_rate,
    calibration_gap: a.calibration_gap,
    mean_attempt_duration_s: a.mean_attempt_duration_s,
  };
}

/** One signal per agent of `metrics.per_agent`, in that (natural) order. */
export function agentPerformanceSignals(metrics: WaveMetrics): AgentPerformanceSignal[] {
  return metrics.per_agent.map((agent) => {
    const content = agentPerformanceContent(agent);
    return {
      schema_version: SCHEMA_VERSION,
      signal_id: signalId(metrics.wave, 'agent_performance', agent.agent_id),
      signal_type: 'agent_performance',
      target_phase: TARGET_PHASE.agent_performance,
      wave: metrics.wave,
      subject: agent.agent_id,
      confidence: confidenceFor(agent.tasks),
      content,
      recommendations: agentPerformanceRecommendations(agent.agent_id, metrics.wave, content),
    };
  });
}
