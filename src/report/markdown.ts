/**
 * The run report `PHASE_21_AUTONOMOUS_EXECUTION.md` (contract section 8, last part): a pure
 * function from the run's summary documents to Markdown text.
 *
 * Byte-identical for the same input on any machine and time zone: no wall-clock time, no
 * locale (src/util/format.ts only, see ./markdown-util.ts), and every list in the order of its
 * input (already deterministic). No path of the machine appears (contract section 12,
 * "Diffable"): files are named relative to the output folder, whose path is in `run.json`, so
 * the same run written to two folders gives the same report.
 *
 * Number formats: rates and shares as percentages with 1 decimal, health scores 2 decimals,
 * seconds 1 decimal, Brier / log loss / ECE 4 decimals, calibration gaps in signed
 * percentage points; null figures print `n/a`.
 */
import type { Anomaly, AgentMetrics, WaveMetrics } from '../schema/measures.ts';
import { ANOMALY_TYPES } from '../schema/measures.ts';
import type { Signal } from '../schema/signals.ts';
import { SIGNAL_TYPES } from '../schema/signals.ts';
import type { ExecutionSummary, SystemHealth } from '../schema/summaries.ts';
import { signalFile, TARGET_PHASE } from '../signals/index.ts';
import { plural } from '../util/format.ts';
import { sortNatural } from '../util/natural.ts';
import {
  code,
  fixed,
  listText,
  oneLine,
  pct,
  secs,
  signedPp,
  sparkline,
  table,
  trendDirection,
} from './markdown-util.ts';

/** What the run report is built from: the run's documents as written (no paths). */
export interface RunReportInput {
  /** `phase21_execution_summary.json`. */
  readonly summary: ExecutionSummary;
  /** `phase21_system_health.json`. */
  readonly health: SystemHealth;
  /** The lines of `anomalies.jsonl`, in file order. */
  readonly anomalies: readonly Anomaly[];
  /** The lines of `phase21_learning_signals.jsonl`, in file order. */
  readonly signals: readonly Signal[];
  /**
   * The charts written under `charts/` beside the report (src/charts/charts.ts), in report
   * order; linked as images in their sections. Without them the health trend shows a sparkline.
   */
  readonly charts?: readonly ReportChart[];
}

/** A chart the report links: its file inside `charts/`, its alt text and its section. */
export interface ReportChart {
  readonly file: string;
  readonly title: string;
  readonly section: 'health' | 'agents' | 'waves';
}

/** The Markdown image of each chart of `section`, one per line (`![title](charts/file)`). */
function chartImages(charts: readonly ReportChart[] | undefined, section: ReportChart['section']): string[] {
  const shown = (charts ?? []).filter((c) => c.section === section);
  return shown.length === 0 ? [] : [shown.map((c) => `![${c.title.replace(/[[\]\\]/g, '')}](charts/${c.file})`).join('\n\n')];
}

/** The report's title line. */
export const RUN_REPORT_TITLE = '# Phase 21 Autonomous Execution Report';

/** The `##` sections of the run report, in order. */
export const RUN_REPORT_SECTIONS = [
  'Executive Summary',
  'Health Trend',
  'Wave Breakdown',
  'Agent Performance',
  'Anomalies and Alerts',
  'Learning Signals',
  'Recommendations',
] as const;

/** Recommendations listed in the report; the rest are counted and left to the feedback files. */
export const MAX_RECOMMENDATIONS = 20;

/** Health points within which the trend counts as steady (last wave against the first). */
export const STEADY_TOLERANCE = 2;

/** The run-level signal file, relative to the output folder (contract section 8). */
const SIGNALS_FILE = 'phase21_learning_signals.jsonl';

/**
 * Renders the run report: the title, then the sections of {@link RUN_REPORT_SECTIONS} in
 * order, blocks separated by one blank line, ending with a single newline.
 * Pure; never throws on schema-valid input.
 */
export function renderRunReport(input: RunReportInput): string {
  const blocks: string[] = [RUN_REPORT_TITLE];
  const sections: readonly (readonly string[])[] = [
    executiveSummary(input),
    healthTrend(input.health, input.charts),
    [...waveBreakdown(input.summary, input.health), ...ganttImages(input.summary.waves.length, input.charts)],
    [...agentPerformance(input.health.run.metrics.per_agent), ...chartImages(input.charts, 'agents')],
    anomaliesSection(input.anomalies),
    learningSignals(input.signals),
    recommendationsSection(input.signals),
  ];
  RUN_REPORT_SECTIONS.forEach((name, i) => {
    blocks.push(`## ${name}`, ...(sections[i] ?? []));
  });
  return `${blocks.join('\n\n')}\n`;
}

function executiveSummary(input: RunReportInput): string[] {
  const { summary } = input;
  const t = summary.totals;
  const m = input.health.run.metrics;
  const sentences = [
    ...(summary.status === 'aborted' ? [`**The run was aborted**: ${summary.reason ?? 'no reason recorded'}; no further wave started, and the figures below cover the ${plural(summary.totals.waves, 'wave')} that ran.`] : []),
    `Run health is ${fixed(summary.health_score)} (${summary.health_grade}) with a success rate of ${pct(summary.success_rate)}.`,
    `Of ${plural(t.tasks, 'task')} in ${plural(t.waves, 'wave')}, ${t.succeeded} succeeded, ${t.failed} failed and ` +
      `${t.blocked} ${t.blocked === 1 ? 'was' : 'were'} blocked by a safety gate.`,
    `The run used the ${code(summary.strategy)} strategy with seed ${summary.seed}; the simulated makespan was ` +
      `${secs(summary.makespan_s)} s, with ${plural(t.retries, 'retry', 'retries')}, ${plural(t.reroutes, 'reroute')}, ` +
      `${plural(t.steals, 'steal')} and ${plural(t.circuit_openings, 'circuit opening')}.`,
    worldSentence(summary),
  ];
  if (t.rejected_lines > 0) {
    sentences.push(
      `${plural(t.rejected_lines, 'input line')} ${t.rejected_lines === 1 ? 'was' : 'were'} rejected and written to ` +
        `${code('rejected.jsonl')}.`,
    );
  }
  sentences.push(`Files named in this report are relative to the output folder; its path and the input files are in ${code('run.json')}.`);
  const keyFigures = table(
    ['figure', 'value'],
    [
      ['Brier score', fixed(m.brier, 4)],
      ['Log loss', fixed(m.log_loss, 4)],
      ['ECE', fixed(m.ece, 4)],
      ['Accuracy (1 - ECE)', pct(m.accuracy)],
      ['Availability', pct(m.availability)],
      ['Load balance', pct(m.load_balance)],
      ['Utilization', pct(m.utilization)],
      ['Duration MAPE (first attempts)', pct(m.duration_mape)],
    ],
    [1],
  );
  return [sentences.join(' '), keyFigures];
}

/** The Gantt charts shown, and a line naming the files of the waves not shown. */
function ganttImages(waves: number, charts: readonly ReportChart[] | undefined): string[] {
  if (charts === undefined) return [];
  const out = chartImages(charts, 'waves');
  const shown = charts.filter((c) => c.section === 'waves').length;
  if (waves > shown) out.push(`The Gantt charts of the other ${plural(waves - shown, 'wave')} are in ${code('charts/gantt_wave_<w>.svg')} beside this report.`);
  return out;
}

/** Words for each attempt source (contract section 11). */
const SOURCE_WORDS = { recorded: 'recorded', simulated: 'simulated', subprocess: 'run as a real command' } as const;

/** `World: `replay` — 812 attempts recorded, 37 simulated.` (sources with no attempt left out). */
export function worldSentence(summary: Pick<ExecutionSummary, 'world' | 'totals'>): string {
  const counts = summary.totals.attempts_by_source;
  const order = ['recorded', 'subprocess', 'simulated'] as const;
  const parts = order.filter((s) => counts[s] > 0).map((s, i) => (i === 0 ? `${plural(counts[s], 'attempt')} ${SOURCE_WORDS[s]}` : `${counts[s]} ${SOURCE_WORDS[s]}`));
  return `World: ${code(summary.world)} — ${parts.length === 0 ? 'no attempt ran' : parts.join(', ')}.`;
}

function healthTrend(health: SystemHealth, charts: readonly ReportChart[] | undefined): string[] {
  const waves = health.waves;
  const first = waves[0];
  const last = waves[waves.length - 1];
  if (first === undefined || last === undefined) return ['No waves were run, so there is no health trend.'];
  const rows = waves.map((w) => [
    String(w.wave),
    fixed(w.health.score),
    w.health.grade,
    pct(w.metrics.success_rate),
    pct(w.metrics.availability),
    pct(w.metrics.accuracy),
    pct(w.metrics.load_balance),
  ]);
  const out = [
    table(['wave', 'health', 'grade', 'success rate', 'availability', 'accuracy', 'load balance'], rows, [0, 1, 3, 4, 5, 6]),
    ...(charts === undefined ? [`Health by wave (scale 0 to 100): ${sparkline(waves.map((w) => w.health.score))}`] : chartImages(charts, 'health')),
  ];
  if (waves.length === 1) {
    out.push(`Only one wave was run, so there is no trend: wave ${first.wave} scored ${fixed(first.health.score)}.`);
    return out;
  }
  const direction = trendDirection(first.health.score, last.health.score, STEADY_TOLERANCE);
  const hundredths = Math.round(last.health.score * 100) - Math.round(first.health.score * 100);
  const diff = `${hundredths > 0 ? '+' : ''}${fixed(hundredths / 100)}`;
  const within = direction === 'steady' ? `, within ${STEADY_TOLERANCE} points` : '';
  out.push(
    `The trend is ${direction}: health went from ${fixed(first.health.score)} in wave ${first.wave} to ` +
      `${fixed(last.health.score)} in wave ${last.wave} (${diff} points${within}).`,
  );
  return out;
}

function waveBreakdown(summary: ExecutionSummary, health: SystemHealth): string[] {
  if (summary.waves.length === 0) return ['No waves were run.'];
  const metricsOf = new Map<number, WaveMetrics>(health.waves.map((w) => [w.wave, w.metrics]));
  const rows = summary.waves.map((w) => {
    const m = metricsOf.get(w.wave);
    return [
      String(w.wave),
      String(w.tasks),
      String(w.succeeded),
      String(w.failed),
      String(w.blocked),
      pct(w.success_rate),
      secs(w.makespan_s),
      secs(m?.critical_path_s ?? null),
      pct(m?.makespan_efficiency ?? null),
      pct(m?.utilization ?? null),
      secs(m?.waiting_mean_s ?? null),
      secs(m?.waiting_p95_s ?? null),
      m === undefined ? 'n/a' : String(m.retries),
      m === undefined ? 'n/a' : String(m.reroutes),
      m === undefined ? 'n/a' : String(m.steals),
      m === undefined ? 'n/a' : String(m.circuit_openings),
      String(w.anomalies),
    ];
  });
  const header = [
    'wave',
    'tasks',
    'succeeded',
    'failed',
    'blocked',
    'success rate',
    'makespan s',
    'critical path s',
    'makespan efficiency',
    'utilization',
    'waiting mean s',
    'waiting p95 s',
    'retries',
    'reroutes',
    'steals',
    'circuit openings',
    'anomalies',
  ];
  return [table(header, rows, header.map((_, i) => i))];
}

function agentPerformance(agents: readonly AgentMetrics[]): string[] {
  if (agents.length === 0) return ['No agent figures are available.'];
  const rows = agents.map((a) => [
    a.agent_id,
    String(a.tasks),
    pct(a.success_rate),
    String(a.attempts),
    pct(a.attempt_success_rate),
    pct(a.mean_predicted_p),
    pct(a.first_attempt_success_rate),
    signedPp(a.calibration_gap),
    secs(a.busy_s),
    pct(a.utilization),
    String(a.circuit_openings),
    String(a.steals),
  ]);
  const header = [
    'agent',
    'tasks',
    'success rate',
    'attempts',
    'attempt success rate',
    'mean predicted p',
    'first-attempt success rate',
    'calibration gap',
    'busy s',
    'utilization',
    'circuit openings',
    'steals',
  ];
  const out = [
    'Over the whole run. Tasks and success rate count the tasks that ended on the agent; mean predicted p and ' +
      'first-attempt success rate are over the tasks whose first attempt ran on it (`first_agent_id` in `task_outcomes.jsonl`); ' +
      'the calibration gap is the first-attempt success rate minus the mean predicted p, in percentage points; ' +
      'steals count the tasks the agent took from another agent\'s queue when it had a free slot and nothing of its own.',
    table(header, rows, header.map((_, i) => i).slice(1)),
  ];
  const ranking = bestAndWorst(agents);
  if (ranking !== null) out.push(ranking);
  return out;
}

/**
 * The best/worst sentence by attempt success rate over agents that ran attempts; ties go to
 * the agent first in natural order. Null with fewer than 2 such agents.
 */
function bestAndWorst(agents: readonly AgentMetrics[]): string | null {
  const ranked: { id: string; rate: number }[] = [];
  for (const a of sortNatural(agents, (x) => x.agent_id)) {
    if (a.attempt_success_rate !== null) ranked.push({ id: a.agent_id, rate: a.attempt_success_rate });
  }
  const [head] = ranked;
  if (head === undefined || ranked.length < 2) return null;
  let best = head;
  let worst = head;
  for (const r of ranked) {
    if (r.rate > best.rate) best = r;
    if (r.rate < worst.rate) worst = r;
  }
  if (best.rate === worst.rate) {
    return `All ${ranked.length} agents that ran attempts have the same attempt success rate (${pct(best.rate)}).`;
  }
  return `Best attempt success rate: ${oneLine(best.id)} (${pct(best.rate)}); worst: ${oneLine(worst.id)} (${pct(worst.rate)}).`;
}

function anomaliesSection(anomalies: readonly Anomaly[]): string[] {
  if (anomalies.length === 0) return ['No anomalies were detected.'];
  const byType = new Map<string, number>();
  for (const a of anomalies) byType.set(a.type, (byType.get(a.type) ?? 0) + 1);
  const parts = ANOMALY_TYPES.filter((t) => byType.has(t)).map((t) => `${byType.get(t) ?? 0} ${t}`);
  const rows = anomalies.map((a) => [String(a.wave), a.severity, a.type, a.subject, a.message]);
  return [
    `${plural(anomalies.length, 'anomaly', 'anomalies')} ${anomalies.length === 1 ? 'was' : 'were'} detected: ${listText(parts)}.`,
    table(['wave', 'severity', 'type', 'subject', 'message'], rows, [0]),
  ];
}

function learningSignals(signals: readonly Signal[]): string[] {
  const byType = new Map<string, number>();
  for (const s of signals) byType.set(s.signal_type, (byType.get(s.signal_type) ?? 0) + 1);
  const rows = SIGNAL_TYPES.map((type) => [
    type,
    `Phase ${TARGET_PHASE[type]}`,
    String(byType.get(type) ?? 0),
    code(signalFile({ signal_type: type })),
  ]);
  const intro =
    signals.length === 0
      ? 'No learning signals were produced.'
      : `${plural(signals.length, 'learning signal')} ${signals.length === 1 ? 'was' : 'were'} produced. Every signal is in ` +
        `${code(SIGNALS_FILE)} and also in the feedback file of its target phase:`;
  return [intro, table(['signal type', 'target phase', 'signals', 'feedback file'], rows, [2])];
}

function recommendationsSection(signals: readonly Signal[]): string[] {
  const unique = new Set<string>();
  for (const s of signals) for (const r of s.recommendations) unique.add(r);
  if (unique.size === 0) return ['No recommendations.'];
  const all = [...unique];
  const shown = all.slice(0, MAX_RECOMMENDATIONS).map((r) => `- ${oneLine(r)}`);
  const out = [shown.join('\n')];
  const rest = all.length - shown.length;
  if (rest > 0) out.push(`... and ${rest} more in the feedback files.`);
  return out;
}
