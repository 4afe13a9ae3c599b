/**
 * `multi_agent_coordination` signal (contract section 7, to Phase 18): one per wave, subject
 * `all`: how the strategy spread the wave's work. Confidence by the wave's task count.
 */
import { mean, standardDeviation } from 'simple-statistics';
import { SCHEMA_VERSION, type StrategyName } from '../options.ts';
import type { WaveMetrics } from '../schema/measures.ts';
import type { CoordinationContent, CoordinationSignal } from '../schema/signals.ts';
import { round } from '../util/json.ts';
import { ALL, TARGET_PHASE, confidenceFor, signalId } from './common.ts';
import { coordinationRecommendations } from './recommendations.ts';

/**
 * The signal's content. max/mean and CV (population standard deviation / mean, over the run's
 * agents, idle ones included) are null when no agent was busy.
 */
export function coordinationContent(metrics: WaveMetrics, strategy: StrategyName): CoordinationContent {
  const busy = metrics.per_agent.map((a) => a.busy_s);
  const meanBusy = busy.length === 0 ? 0 : mean(busy);
  const maxBusy = busy.length === 0 ? 0 : Math.max(...busy);
  return {
    strategy,
    tasks: metrics.tasks,
    agents: metrics.per_agent.map((a) => ({ agent_id: a.agent_id, tasks: a.tasks, busy_s: a.busy_s })),
    load_balance: metrics.load_balance,
    max_mean_busy_ratio: meanBusy > 0 ? round(maxBusy / meanBusy) : null,
    busy_cv: meanBusy > 0 ? round(standardDeviation(busy) / meanBusy) : null,
    makespan_s: metrics.makespan_s,
    utilization: metrics.utilization,
    waiting_mean_s: metrics.waiting_mean_s,
    waiting_p95_s: metrics.waiting_p95_s,
    critical_path_s: metrics.critical_path_s,
    makespan_lower_bound_s: metrics.makespan_lower_bound_s,
    makespan_efficiency: metrics.makespan_efficiency,
    reroutes: metrics.reroutes,
    steals: metrics.steals,
    blocked: metrics.blocked,
    circuit_openings: metrics.circuit_openings,
  };
}

/** The wave's coordination signal. */
export function coordinationSignal(metrics: WaveMetrics, strategy: StrategyName): CoordinationSignal {
  const content = coordinationContent(metrics, strategy);
  return {
    schema_version: SCHEMA_VERSION,
    signal_id: signalId(metrics.wave, 'multi_agent_coordination', ALL),
    signal_type: 'multi_agent_coordination',
    target_phase: TARGET_PHASE.multi_agent_coordination,
    wave: metrics.wave,
    subject: ALL,
    confidence: confidenceFor(metrics.tasks),
    content,
    recommendations: coordinationRecommendations(content),
  };
}
