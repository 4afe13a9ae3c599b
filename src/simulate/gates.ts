/**
 * Safety gates (contract section 4): pure checks run before every attempt, registered by name.
 * The first refusal ends the task as `blocked` with the gate's name and reason; it is not
 * retried.
 */
import type { GateOptions } from '../options.ts';
import type { AgentProfile, Risk, Task } from '../plan/model.ts';
import { isCapableCandidate, predictionFor } from '../plan/model.ts';
import { fixedAtLeast, fixedVs } from '../util/format.ts';
import type { DependencyFailure } from './readiness.ts';

/** What a gate sees about one attempt about to start. */
export interface GateContext {
  readonly task: Task;
  readonly agent: AgentProfile;
  /** 0 for the first attempt. */
  readonly attempt: number;
  /** p(t, a): the agent's prediction, or the task's mean p when the agent is no candidate. */
  readonly p: number;
  /** Risk of that prediction (derived from the mean p when the agent is no candidate). */
  readonly risk: Risk;
  /** Simulated now and the wave's start, seconds since run start. */
  readonly nowS: number;
  readonly waveStartS: number;
  readonly options: GateOptions;
  /** The run's agents, natural order (the `capabilities` gate looks for a capable candidate). */
  readonly agents: readonly AgentProfile[];
  /** The first dependency that did not succeed, or null (every one succeeded, or there are none). */
  readonly dependency: DependencyFailure | null;
}

/** A gate's verdict. */
export type GateVerdict = { readonly kind: 'allow' } | { readonly kind: 'refuse'; readonly reason: string };

/** One safety gate. */
export interface SafetyGate {
  /** Registry key, recorded on blocked tasks. */
  readonly name: string;
  readonly description: string;
  /** Whether the gate runs at all under these options (e.g. `--allow-high-risk` turns one off). */
  enabled(options: GateOptions): boolean;
  check(context: GateContext): GateVerdict;
}

const ALLOW: GateVerdict = { kind: 'allow' };


/** Refuses when p(t, a) < `--min-probability` (default 0.10). */
export const minProbabilityGate: SafetyGate = {
  name: 'min_probability',
  description: 'refuses an attempt whose predicted success probability is below --min-probability',
  enabled: () => true,
  check: ({ p, options }) =>
    p < options.minProbability
      ? { kind: 'refuse', reason: `p=${fixedVs(p, options.minProbability)} below min_probability ${fixedAtLeast(options.minProbability)}` }
      : ALLOW,
};

/** Refuses HIGH-risk attempts with p(t, a) < `--high-risk-floor` (default 0.30), unless `--allow-high-risk`. */
export const highRiskGate: SafetyGate = {
  name: 'high_risk',
  description: 'refuses HIGH-risk attempts below --high-risk-floor unless --allow-high-risk',
  enabled: (options) => !options.allowHighRisk,
  check: ({ p, risk, options }) =>
    risk === 'HIGH' && p < options.highRiskFloor
      ? { kind: 'refuse', reason: `risk HIGH with p=${fixedVs(p, options.highRiskFloor)} below high_risk_floor ${fixedAtLeast(options.highRiskFloor)}` }
      : ALLOW,
};

/** Refuses an attempt that would start more than `--wave-deadline` seconds after its wave began. */
export const waveDeadlineGate: SafetyGate = {
  name: 'wave_deadline',
  description: 'refuses attempts that would start later than --wave-deadline seconds after the wave began',
  enabled: (options) => options.waveDeadlineS !== null,
  check: ({ nowS, waveStartS, options }) => {
    const deadline = options.waveDeadlineS;
    if (deadline === null) return ALLOW;
    const elapsed = nowS - waveStartS;
    return elapsed > deadline
      ? { kind: 'refuse', reason: `would start ${fixedVs(elapsed, deadline, 1)} s into the wave, after the ${deadline} s deadline` }
      : ALLOW;
  },
};

/** The `dependencies` gate's reason: `dependency a (wave 1) ended failed` or `... has no outcome in this run`. */
export function dependencyRefusalReason({ ref, status }: DependencyFailure): string {
  const what = status === 'unknown' ? 'has no outcome in this run' : `ended ${status}`;
  return `dependency ${ref.taskId} (wave ${ref.wave}) ${what}`;
}

/** Refuses a task one of whose dependencies ended failed or blocked (contract section 10). */
export const dependenciesGate: SafetyGate = {
  name: 'dependencies',
  description: 'refuses a task whose dependency (depends_on) ended failed or blocked',
  enabled: () => true,
  check: ({ dependency }) => (dependency === null ? ALLOW : { kind: 'refuse', reason: dependencyRefusalReason(dependency) }),
};

/**
 * Refuses a task no candidate agent is capable of (contract section 10), naming what each
 * candidate lacks: `no candidate has every required capability (gpu, tpu): agent_0 lacks tpu;
 * agent_1 lacks gpu, tpu`.
 */
export const capabilitiesGate: SafetyGate = {
  name: 'capabilities',
  description: 'refuses a task no candidate agent has every required capability for',
  enabled: () => true,
  check: ({ task, agents }) => {
    if (task.requiredCapabilities.length === 0) return ALLOW;
    const candidates = agents.filter((agent) => predictionFor(task, agent.agentId) !== null);
    if (candidates.some((agent) => isCapableCandidate(task, agent))) return ALLOW;
    const lacks = candidates.map((agent) => `${agent.agentId} lacks ${task.requiredCapabilities.filter((c) => !agent.capabilities.includes(c)).join(', ')}`);
    return { kind: 'refuse', reason: `no candidate has every required capability (${task.requiredCapabilities.join(', ')}): ${lacks.join('; ')}` };
  },
};

/** Every gate, keyed by name, in the order they run (the contract's table order). */
export const GATES: ReadonlyMap<string, SafetyGate> = new Map(
  [minProbabilityGate, highRiskGate, waveDeadlineGate, dependenciesGate, capabilitiesGate].map((gate) => [gate.name, gate]),
);

/** The gates that run under `options`, in registry order. */
export function activeGates(options: GateOptions, registry: ReadonlyMap<string, SafetyGate> = GATES): SafetyGate[] {
  return [...registry.values()].filter((gate) => gate.enabled(options));
}

/** Runs `gates` in order; returns the first refusal with the gate's name, or null when all allow. */
export function runGates(
  gates: readonly SafetyGate[],
  context: GateContext,
): { readonly gate: string; readonly reason: string } | null {
  for (const gate of gates) {
    const verdict = gate.check(context);
    if (verdict.kind === 'refuse') return { gate: gate.name, reason: verdict.reason };
  }
  return null;
}
