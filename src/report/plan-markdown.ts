/**
 * The dry-run plan report (contract section 4, `--dry-run`): a pure function from the plan's
 * figures to Markdown text. Same determinism rules as the run report (./markdown.ts): no
 * wall-clock time, no locale, no path of the machine (files are named relative to the output
 * folder), lists in input order.
 */
import { waveFolderName } from '../io/paths.ts';
import { plural } from '../util/format.ts';
import { code, secs, table } from './markdown-util.ts';

/** One agent's share of a wave's plan. */
export interface PlanAgentShare {
  readonly agentId: string;
  /** Tasks assigned to the agent in the wave. */
  readonly tasks: number;
  /** The agent's work in seconds (predicted_execution_time x speed, contract section 5), as the planner reports it. */
  readonly workS: number;
}

/** A task a safety gate refused at its first attempt. */
export interface PlanBlockedTask {
  readonly taskId: string;
  readonly agentId: string;
  /** Name of the refusing gate, e.g. `min_probability`. */
  readonly gate: string;
  readonly reason: string;
}

/** One planned wave. */
export interface PlanWave {
  readonly wave: number;
  readonly tasks: number;
  readonly perAgent: readonly PlanAgentShare[];
  readonly blocked: readonly PlanBlockedTask[];
  /** Tasks with at least one dependency (depends_on), and the dependencies counted. */
  readonly dependentTasks: number;
  readonly dependencies: number;
  /** Tasks that require capabilities, and the capabilities required, sorted. */
  readonly capabilityTasks: number;
  readonly capabilities: readonly string[];
  /** Critical path and makespan lower bound, seconds (contract section 10). */
  readonly criticalPathS: number;
  readonly makespanLowerBoundS: number;
}

/** What the plan report is built from. */
export interface PlanReportInput {
  readonly strategy: string;
  readonly seed: number;
  /** Simulated time zero, ISO-8601 UTC. */
  readonly epoch: string;
  /** Agent ids in natural order. */
  readonly agents: readonly string[];
  /** Planned waves, ascending. */
  readonly waves: readonly PlanWave[];
}

/** The plan report's title line. */
export const PLAN_REPORT_TITLE = '# Phase 21 Execution Plan (dry run)';

/** The `##` sections of the plan report, in order (a closing note follows the last). */
export const PLAN_REPORT_SECTIONS = ['Summary', 'Assignments', 'Gate Decisions'] as const;

/** Blocked tasks listed per wave; the rest are counted and left to `gate_decisions.jsonl`. */
export const MAX_BLOCKED_LISTED = 50;

/** Agent ids named in the summary; the rest are counted. */
export const MAX_AGENTS_NAMED = 20;

/** The closing note of every plan report. */
export const PLAN_CLOSING_NOTE =
  'Nothing was executed: this dry run loaded and validated the input, assigned the tasks and ran the safety gates ' +
  'for first attempts only. No execution files were written. Files named here are relative to the output folder; ' +
  'its path and the input files are in `run.json`.';

/**
 * Renders the plan report: title, the sections of {@link PLAN_REPORT_SECTIONS}, then
 * {@link PLAN_CLOSING_NOTE}; blocks separated by one blank line, ending with a single newline.
 * Pure; never throws for waves numbered >= 1.
 * @throws RangeError (from `waveFolderName`) when a wave with blocked tasks beyond
 *   {@link MAX_BLOCKED_LISTED} is not an integer >= 1
 */
export function renderPlanReport(input: PlanReportInput): string {
  const blocks: string[] = [
    PLAN_REPORT_TITLE,
    '## Summary',
    summary(input),
    '## Assignments',
    ...assignments(input),
    '## Gate Decisions',
    ...gateDecisions(input),
    PLAN_CLOSING_NOTE,
  ];
  return `${blocks.join('\n\n')}\n`;
}

function summary(input: PlanReportInput): string {
  let tasks = 0;
  let blocked = 0;
  for (const w of input.waves) {
    tasks += w.tasks;
    blocked += w.blocked.length;
  }
  const named = input.agents.slice(0, MAX_AGENTS_NAMED).map(code);
  const more = input.agents.length - named.length;
  const agentList = input.agents.length === 0 ? '' : ` (${named.join(', ')}${more > 0 ? ` and ${more} more` : ''})`;
  return [
    `- Strategy: ${code(input.strategy)}`,
    `- Seed: ${input.seed}`,
    `- Epoch: ${code(input.epoch)}`,
    `- Waves: ${input.waves.length}`,
    `- Tasks: ${tasks}`,
    `- Agents: ${input.agents.length}${agentList}`,
    `- Blocked at the first attempt: ${blocked}`,
  ].join('\n');
}

function assignments(input: PlanReportInput): string[] {
  if (input.waves.length === 0) return ['No waves were planned.'];
  const out: string[] = [];
  for (const w of input.waves) {
    out.push(`### Wave ${w.wave}`, `${plural(w.tasks, 'task')} assigned.`);
    const deps = w.dependentTasks === 0 ? 'No task depends on another' : `${plural(w.dependentTasks, 'task')} ${w.dependentTasks === 1 ? 'depends' : 'depend'} on others (${plural(w.dependencies, 'dependency', 'dependencies')})`;
    const caps = w.capabilityTasks === 0 ? 'none requires a capability' : `${plural(w.capabilityTasks, 'task')} ${w.capabilityTasks === 1 ? 'requires' : 'require'} capabilities (${w.capabilities.map(code).join(', ')})`;
    out.push(`${deps}; ${caps}. Critical path ${secs(w.criticalPathS)} s; makespan lower bound ${secs(w.makespanLowerBoundS)} s.`);
    if (w.perAgent.length > 0) {
      const rows = w.perAgent.map((a) => [a.agentId, String(a.tasks), secs(a.workS)]);
      out.push(table(['agent', 'tasks', 'work s'], rows, [1, 2]));
    }
  }
  return out;
}

function gateDecisions(input: PlanReportInput): string[] {
  if (input.waves.length === 0) return ['No waves were planned.'];
  const out: string[] = [];
  for (const w of input.waves) {
    out.push(`### Wave ${w.wave}`);
    const n = w.blocked.length;
    if (n === 0) {
      out.push('No task was blocked.');
      continue;
    }
    out.push(`${plural(n, 'task')} ${n === 1 ? 'was' : 'were'} blocked:`);
    const rows = w.blocked.slice(0, MAX_BLOCKED_LISTED).map((b) => [b.taskId, b.agentId, b.gate, b.reason]);
    out.push(table(['task', 'agent', 'gate', 'reason'], rows));
    const rest = n - rows.length;
    if (rest > 0) {
      out.push(`... and ${rest} more in ${code(`${waveFolderName(w.wave)}/gate_decisions.jsonl`)}.`);
    }
  }
  return out;
}
