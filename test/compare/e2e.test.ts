/**
 * End to end on real runs of the committed sample (data/phase20, 600 tasks): the harness writes
 * the output folders (runPhase21), the compare command compares them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS, type RunOptions } from '../../src/options.ts';
import { runPhase21 } from '../../src/pipeline.ts';
import { SILENT_PROGRESS } from '../../src/ports.ts';
import { comparisonSchema, type Comparison } from '../../src/schema/comparison.ts';
import { parseJsonl, removeTempDirs, SAMPLE_AGENTS, SAMPLE_INPUT, tempDir } from '../e2e/helpers.ts';
import { runCompareCli } from './helpers.ts';

const ENV = { clock: { now: () => new Date(0) }, progress: SILENT_PROGRESS, version: 'test' };
const root = tempDir('p21-cmp-e2e-');

afterAll(removeTempDirs);

async function run(name: string, overrides: Partial<RunOptions> = {}): Promise<string> {
  const out = path.join(root, name, 'out');
  await runPhase21({ ...DEFAULT_OPTIONS, input: SAMPLE_INPUT, agentsFile: SAMPLE_AGENTS, out, reportDir: path.join(root, name, 'reports'), quiet: true, ...overrides }, ENV);
  return out;
}

async function compare(a: string, b: string, name: string): Promise<{ code: number; err: string; comparison: Comparison; markdown: string }> {
  const out = path.join(root, name);
  const { code, err } = await runCompareCli([a, b, '--out', out]);
  const comparison = comparisonSchema.parse(JSON.parse(readFileSync(path.join(out, 'comparison.json'), 'utf8')));
  return { code, err, comparison, markdown: readFileSync(path.join(out, 'comparison.md'), 'utf8') };
}

/** b and c counted independently from the two task_outcomes.jsonl files. */
function discordant(a: string, b: string): { b: number; c: number; flips: number } {
  const read = (dir: string): Map<string, string> =>
    new Map(parseJsonl(readFileSync(path.join(dir, 'task_outcomes.jsonl'), 'utf8')).map((r) => [`${String(r.wave)}/${String(r.task_id)}`, String(r.status)]));
  const ra = read(a);
  const rb = read(b);
  let nb = 0;
  let nc = 0;
  let flips = 0;
  for (const [key, sa] of ra) {
    const sb = rb.get(key);
    if (sb === undefined) continue;
    if (sa !== sb) flips++;
    if (sa === 'succeeded' && sb !== 'succeeded') nb++;
    if (sa !== 'succeeded' && sb === 'succeeded') nc++;
  }
  return { b: nb, c: nc, flips };
}

function runSummary(dir: string): { success_rate: number; health: number } {
  const summary = JSON.parse(readFileSync(path.join(dir, 'phase21_execution_summary.json'), 'utf8')) as { success_rate: number; health_score: number };
  return { success_rate: summary.success_rate, health: summary.health_score };
}

describe(`compare on real runs of data/phase20`, () => {
  let base = '';
  beforeAll(async () => {
    base = await run('base');
  });

  it('twin runs (same seed, two folders): nothing flipped, every delta 0, exit 0, the same bytes twice', async () => {
    const twin = await run('twin');
    const first = await compare(base, twin, 'cmp-twin-1');
    expect(first.code).toBe(0);
    expect(first.comparison.flips.total).toBe(0);
    expect(first.comparison.one_run_only.tasks).toEqual([]);
    expect(first.comparison.mcnemar.task_outcome).toMatchObject({ pairs: 600, b: 0, c: 0, p_value: 1 });
    expect(first.comparison.measures.filter((m) => m.delta !== 0 && !(m.a === null && m.b === null))).toEqual([]);
    expect(first.comparison.comparability).toMatchObject({ same_inputs: true, same_options: true, same_version: true, notes: [] });
    expect(first.comparison.anomalies.appeared).toEqual([]);
    expect(first.comparison.anomalies.went_away).toEqual([]);
    const second = await compare(base, twin, 'cmp-twin-2');
    expect(readFileSync(path.join(root, 'cmp-twin-2', 'comparison.json'), 'utf8')).toBe(readFileSync(path.join(root, 'cmp-twin-1', 'comparison.json'), 'utf8'));
    expect(second.markdown).toBe(first.markdown);
    expect(first.markdown).not.toContain(root);
  });

  it('two seeds: noise, not a regression (exit 0); the counts agree with the files', async () => {
    const other = await run('seed22', { seed: 22 });
    const r = await compare(base, other, 'cmp-seed');
    const counts = discordant(base, other);
    expect(r.code).toBe(0);
    expect(r.comparison.comparability.options).toEqual([{ option: 'seed', a: 21, b: 22 }]);
    expect(r.comparison.mcnemar.task_outcome).toMatchObject({ pairs: 600, b: counts.b, c: counts.c, significant: false });
    expect(counts.flips).toBeGreaterThan(0);
    expect(r.comparison.flips.total).toBe(counts.flips);
    const byCause = Object.values(r.comparison.flips.by_cause).reduce((x, y) => x + y, 0);
    expect(byCause).toBe(counts.flips);
    const gate = r.comparison.regression_gate;
    expect([gate.success_rate_a, gate.success_rate_b]).toEqual([runSummary(base).success_rate, runSummary(other).success_rate]);
    expect([gate.health_a, gate.health_b]).toEqual([runSummary(base).health, runSummary(other).health]);
    expect(gate.regression).toBe(false);
  });

  it('a clearly worse world (every reliability_offset -0.4): exit 1, both rules and a tiny p', async () => {
    const profiles = JSON.parse(readFileSync(SAMPLE_AGENTS, 'utf8')) as { agents: Record<string, unknown>[] };
    const worse = path.join(root, 'worse-agents.json');
    writeFileSync(worse, JSON.stringify({ agents: profiles.agents.map((a) => ({ ...a, reliability_offset: -0.4 })) }));
    const bad = await run('worse', { agentsFile: worse });
    const r = await compare(base, bad, 'cmp-worse');
    expect(r.code).toBe(1);
    const gate = r.comparison.regression_gate;
    expect(gate).toMatchObject({ regression: true, health_rule: true, success_rule: true, significant: true });
    expect(gate.p_value).toBeLessThan(1e-10);
    expect(gate.health_drop_points).toBeGreaterThan(10);
    expect(r.comparison.comparability.inputs.filter((f) => f.change !== 'same').map((f) => f.file)).toEqual(['(agents file)']);
    expect(r.err).toContain('warning: THE INPUTS DIFFER (1 changed)');
    expect(r.err).toMatch(/REGRESSION: exit 1: health dropped [\d.]+ points .*; success rate dropped .*; significant \(McNemar p = /);
  });
});
