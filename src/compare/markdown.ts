/**
 * `comparison.md`: the comparison document (contract section 13) for a reader. A pure function
 * of the {@link Comparison}: the same comparison gives the same bytes. Numbers print without
 * locale; measures print as stored (already rounded to 6 decimals), so the Markdown and the JSON
 * agree digit for digit. Long lists (flips, tasks in one run only) show their first rows and
 * count the rest, which are in comparison.json.
 */
import type { AnomalyChange, Comparison, Flip, FlipCause, McNemarRecord, MeasureDelta } from '../schema/comparison.ts';
import { FLIP_CAUSES } from '../schema/comparison.ts';
import { code, NA, pct, table } from '../report/markdown-util.ts';
import { fixed, plural } from '../util/format.ts';
import { formatP, pEquals } from './gate.ts';
import { FIRST_ATTEMPT_MEASURES, SUCCESS_MEASURE } from './compare.ts';
import { HEALTH_MEASURE } from './measures.ts';
import { CHANGE_TEXT } from './setup.ts';

/** Rows of a long list shown in the Markdown before the rest are counted. */
export const MARKDOWN_LIST_ROWS = 20;

/** How each flip cause reads. */
export const CAUSE_TEXT: Readonly<Record<FlipCause, string>> = {
  dependency: 'dependency',
  gate: 'gate',
  other_agent: 'other agent',
  other_attempt_count: 'other attempt count',
  another_draw: 'same agent, another draw',
};

/** Agent measures shown in the Markdown's agent table, where present (all are in the JSON). */
const AGENT_COLUMNS = ['success_rate', 'tasks', 'attempts', 'attempt_success_rate', 'utilization', 'circuit_openings'] as const;

/** Renders `comparison.md`, ending with one newline. */
export function renderComparisonMarkdown(c: Comparison): string {
  const sections = [
    `# Comparison of two Phase 21 runs\n\n${verdict(c)}\n\n${runsTable(c)}`,
    comparabilitySection(c),
    gateSection(c),
    mcnemarSection(c),
    runMeasuresSection(c),
    wavesSection(c),
    agentsSection(c),
    flipsSection(c),
    oneRunSection(c),
    anomaliesSection(c),
  ];
  return `${sections.join('\n\n')}\n`;
}

function verdict(c: Comparison): string {
  const g = c.regression_gate;
  const head = g.regression ? `**Verdict: REGRESSION (exit ${g.exit_code}).**` : `**Verdict: no regression (exit ${g.exit_code}).**`;
  const warn = c.comparability.notes.length > 0 ? `\n\n> **Read first:** ${c.comparability.notes.join('; ')}.` : '';
  return `${head} ${g.reasons.join('; ')}.${warn}`;
}

function runsTable(c: Comparison): string {
  const { a, b } = c.runs;
  const rows = [
    ['status', a.status, b.status],
    ['harness version', a.version, b.version],
    ['seed', String(a.seed), String(b.seed)],
    ['waves', a.waves.join(', '), b.waves.join(', ')],
    ['tasks', String(a.tasks), String(b.tasks)],
  ];
  return `A is the baseline, B the candidate; every delta is B - A.\n\n${table(['', 'A', 'B'], rows)}`;
}

function comparabilitySection(c: Comparison): string {
  const k = c.comparability;
  const lines = ['## Comparable?', ''];
  const differing = k.inputs.filter((f) => f.change !== 'same');
  lines.push(
    k.same_inputs
      ? `- Inputs: the same ${plural(k.inputs.length, 'file')} (sha256) in both runs.`
      : `- Inputs: **they differ** in ${plural(differing.length, 'file')} of ${k.inputs.length}; tasks are paired on (wave, task_id).`,
  );
  lines.push(k.same_options ? '- Options: the same (paths and output settings aside).' : `- Options: ${k.options.length === 1 ? '1 option differs' : `${k.options.length} options differ`}.`);
  lines.push(k.same_version ? `- Harness version: the same (${c.runs.a.version}).` : `- Harness version: **differs** (${c.runs.a.version} and ${c.runs.b.version}).`);
  if (differing.length > 0) {
    const sha = (s: string | null): string => (s === null ? 'absent' : code(s.slice(0, 12)));
    lines.push('', table(['input file', 'A sha256', 'B sha256', 'change'], differing.map((f) => [code(f.file), sha(f.sha256_a), sha(f.sha256_b), CHANGE_TEXT[f.change]])));
  }
  if (k.options.length > 0) {
    const value = (v: unknown): string => code(JSON.stringify(v));
    lines.push('', table(['option', 'A', 'B'], k.options.map((o) => [code(o.option), value(o.a), value(o.b)])));
  }
  return lines.join('\n');
}

function gateSection(c: Comparison): string {
  const g = c.regression_gate;
  const s = c.settings;
  const yes = (x: boolean): string => (x ? '**yes**' : 'no');
  const drop = g.success_drop === null ? NA : pct(g.success_drop);
  const rows = [
    ['health', fixed(g.health_a, 2), fixed(g.health_b, 2), `${fixed(g.health_drop_points, 2)} points`, `> ${fixed(s.max_health_drop_points, 2)} points`, yes(g.health_rule)],
    ['success rate', pct(g.success_rate_a), pct(g.success_rate_b), `${drop} relative`, `> ${pct(s.max_success_drop)}`, yes(g.success_rule)],
    ['McNemar p, task outcomes', '', '', formatP(g.p_value), `< ${String(s.alpha)}`, yes(g.significant)],
  ];
  return [
    '## Regression gate',
    '',
    'Exit 1 when (the health rule or the success rule fires) and the McNemar p-value is below alpha.',
    '',
    table(['rule', 'A', 'B', 'drop', 'fires when', 'fired'], rows, [1, 2, 3]),
    '',
    ...g.reasons.map((r) => `- ${r}`),
  ].join('\n');
}

function mcnemarSection(c: Comparison): string {
  const row = (name: string, m: McNemarRecord): string[] => [
    name,
    String(m.pairs),
    String(m.both),
    String(m.b),
    String(m.c),
    String(m.neither),
    formatP(m.p_value),
    m.significant ? '**yes**' : 'no',
  ];
  return [
    "## McNemar's exact test",
    '',
    'On tasks in both runs, paired on (wave, task_id): b succeeded in A only, c in B only;',
    'p = min(1, 2 P(X <= min(b, c))) with X ~ Binomial(b + c, 1/2).',
    '',
    table(
      ['outcome', 'pairs', 'both', 'A only (b)', 'B only (c)', 'neither', 'p', `significant at ${String(c.settings.alpha)}`],
      [row('task succeeded', c.mcnemar.task_outcome), row('first attempt succeeded (tasks attempted in both)', c.mcnemar.first_attempt)],
      [1, 2, 3, 4, 5, 6],
    ),
  ].join('\n');
}

/** A measure value as stored; null prints as n/a. */
function num(x: number | null): string {
  return x === null ? NA : String(x);
}

/** A delta with its sign; `~` when a test found it not significant. */
function delta(row: MeasureDelta): string {
  if (row.significant === false) return '~';
  if (row.delta === null) return NA;
  return row.delta > 0 ? `+${String(row.delta)}` : String(row.delta);
}

function pCell(row: MeasureDelta): string {
  return row.p_value === null ? 'no test' : pEquals(row.p_value);
}

function runMeasuresSection(c: Comparison): string {
  const rows = c.measures.filter((m) => m.scope === 'run').map((m) => [code(m.measure), num(m.a), num(m.b), delta(m), pCell(m)]);
  return [
    '## Run measures',
    '',
    '`~`: the paired test found no significant difference (at alpha). "no test": no paired test exists for',
    'this measure here, so its delta is not tested; read it as a point difference.',
    '',
    table(['measure', 'A', 'B', 'B - A', 'test'], rows, [1, 2, 3]),
  ].join('\n');
}

/** `A -> B (delta)` for one measure row, `~` for the delta when a test found it not significant. */
function change(row: MeasureDelta | undefined): string {
  if (row === undefined) return NA;
  return `${num(row.a)} -> ${num(row.b)} (${delta(row)})`;
}

function wavesSection(c: Comparison): string {
  const waves = c.measures.filter((m) => m.scope === 'wave');
  const numbers = [...new Set(waves.map((m) => m.wave ?? 0))];
  if (numbers.length === 0) return '## Waves\n\nNo wave in either run.';
  const find = (wave: number, names: ReadonlySet<string>): MeasureDelta | undefined => waves.find((m) => m.wave === wave && names.has(m.measure));
  const rows = numbers.map((wave) => {
    const success = find(wave, new Set([SUCCESS_MEASURE]));
    const first = find(wave, FIRST_ATTEMPT_MEASURES);
    return [String(wave), change(find(wave, new Set([HEALTH_MEASURE]))), change(success), success === undefined ? NA : pCell(success), change(first), first === undefined ? NA : pCell(first)];
  });
  return [
    '## Waves',
    '',
    'A -> B (B - A). Every measure of every wave is in comparison.json (`scope: "wave"`).',
    '',
    table(['wave', 'health', 'success rate', 'test', 'first-attempt success', 'test'], rows),
  ].join('\n');
}

function agentsSection(c: Comparison): string {
  const agents = c.measures.filter((m) => m.scope === 'agent');
  const ids = [...new Set(agents.map((m) => m.agent_id ?? ''))];
  if (ids.length === 0) return '## Agents\n\nNo agent metrics in either run.';
  const columns = AGENT_COLUMNS.filter((name) => agents.some((m) => m.measure === name));
  const rows = ids.map((id) => [code(id), ...columns.map((name) => change(agents.find((m) => m.agent_id === id && m.measure === name)))]);
  return [
    '## Agents',
    '',
    'Over the whole run, A -> B (B - A); no test (an agent runs other tasks in each run, so its figures are not paired).',
    'Every agent measure, over the run and per wave, is in comparison.json (`scope: "agent"`, `"wave_agent"`).',
    '',
    table(['agent', ...columns.map((name) => name.replace(/_/g, ' '))], rows),
  ].join('\n');
}

/** Why one flip happened, in words. */
export function flipDetail(f: Flip): string {
  switch (f.cause) {
    case 'dependency':
    case 'gate':
      return f.gate_a !== null && f.gate_b !== null
        ? `A blocked by ${f.gate_a}, B by ${f.gate_b}`
        : `${f.gate_a === null ? 'B' : 'A'} blocked by ${f.gate_a ?? f.gate_b ?? NA}`;
    case 'other_agent':
      return f.first_agent_id_a !== f.first_agent_id_b
        ? `first attempt on ${f.first_agent_id_a ?? NA} in A, on ${f.first_agent_id_b ?? NA} in B`
        : `ended on ${f.agent_id_a ?? NA} in A, on ${f.agent_id_b ?? NA} in B`;
    case 'other_attempt_count':
    case 'another_draw':
      return `on ${f.agent_id_a ?? NA}, ${plural(f.attempts_a, 'attempt')} in A, ${plural(f.attempts_b, 'attempt')} in B`;
  }
}

function rest(total: number, shown: number): string {
  return total > shown ? `\n\n... and ${total - shown} more in comparison.json.` : '';
}

function flipsSection(c: Comparison): string {
  const f = c.flips;
  if (f.total === 0) return '## Task outcome flips\n\nNo task in both runs ended differently.';
  const causes = table(['cause', 'tasks'], FLIP_CAUSES.map((cause) => [CAUSE_TEXT[cause], String(f.by_cause[cause])]), [1]);
  const shown = f.tasks.slice(0, MARKDOWN_LIST_ROWS);
  const rows = shown.map((x) => [String(x.wave), code(x.task_id), x.status_a, x.status_b, CAUSE_TEXT[x.cause], flipDetail(x)]);
  return [
    '## Task outcome flips',
    '',
    `${plural(f.total, 'task')} in both runs ended differently. The cause is the first that applies: dependency, gate, other agent, other attempt count (the failing run stopped before the attempt at which the other succeeded), else the same agent with another draw.`,
    '',
    causes,
    '',
    table(['wave', 'task', 'A', 'B', 'cause', 'detail'], rows),
  ].join('\n') + rest(f.total, shown.length);
}

function oneRunSection(c: Comparison): string {
  const o = c.one_run_only;
  const total = o.only_in_a + o.only_in_b;
  if (total === 0) return '## Tasks in one run only\n\nNone: both runs have the same tasks.';
  const shown = o.tasks.slice(0, MARKDOWN_LIST_ROWS);
  return [
    '## Tasks in one run only',
    '',
    `${plural(o.only_in_a, 'task')} in A only, ${plural(o.only_in_b, 'task')} in B only; they are left out of the McNemar tests and the flips.`,
    '',
    table(['wave', 'task', 'run', 'status'], shown.map((t) => [String(t.wave), code(t.task_id), t.run.toUpperCase(), t.status])),
  ].join('\n') + rest(total, shown.length);
}

function anomalyTable(list: readonly AnomalyChange[]): string {
  const shown = list.slice(0, MARKDOWN_LIST_ROWS);
  return table(['wave', 'type', 'subject', 'severity', 'message'], shown.map((x) => [String(x.wave), x.type, code(x.subject), x.severity, x.message])) + rest(list.length, shown.length);
}

function anomaliesSection(c: Comparison): string {
  const { appeared, went_away: gone, in_both: both } = c.anomalies;
  const lines = ['## Anomalies', '', `Keyed by (wave, type, subject): ${appeared.length} appeared in B, ${gone.length} went away, ${both} in both.`];
  if (appeared.length > 0) lines.push('', '### Appeared (in B only)', '', anomalyTable(appeared));
  if (gone.length > 0) lines.push('', '### Went away (in A only)', '', anomalyTable(gone));
  return lines.join('\n');
}
