/**
 * The streamed input (contract section 15): pass 1 validates wave by wave and keeps a compact
 * index, pass 2 reads each wave again when the run reaches it. The streamed plans must equal
 * the in-memory reference (every row held, each wave built from those rows) in both layouts,
 * with dependencies, capabilities, rejected and quarantined lines; a file that changes between
 * the passes is an input error (exit 2).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { formatDiagnostic } from '../../src/errors.ts';
import { DEFAULT_BASE_TIME, type GeneratorConfig } from '../../src/generate/phase20.ts';
import { prepareOutDir, writeAgentsFile, writePhase20 } from '../../src/generate/write-tree.ts';
import { loadInput, loadInputInMemory, scanInput, type LoadRequest } from '../../src/io/load.ts';
import { DEFAULT_OPTIONS } from '../../src/options.ts';
import { SILENT_PROGRESS } from '../../src/ports.ts';
import { runPhase21 } from '../../src/pipeline.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stream-'));
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const config: GeneratorConfig = { waves: 3, tasks: 60, agents: 4, seed: 11, baseTime: DEFAULT_BASE_TIME, dependencies: 3, capabilities: true };

type Layout = 'tree' | 'flat';

/** Writes the generated input in `layout` under a new folder; returns it and the agents file. */
function generated(name: string, layout: Layout): { readonly input: string; readonly agents: string } {
  const input = path.join(root, name);
  prepareOutDir(input);
  writePhase20(config, layout, input);
  const agents = path.join(root, `${name}-agents.json`);
  writeAgentsFile(agents, config.agents);
  return { input, agents };
}

/** A prediction line in `layout` (the flat layout's rows carry their wave). */
function row(layout: Layout, wave: number, taskId: string, agentId: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ task_id: taskId, agent_id: agentId, predicted_success_probability: 0.8, predicted_execution_time: 12, ...(layout === 'flat' ? { wave } : {}), ...extra });
}

/** Appends prediction lines of `wave` for agent_0 (its own file in the tree, the flat file otherwise). */
function append(input: string, layout: Layout, wave: number, lines: readonly string[]): void {
  const file = layout === 'tree' ? path.join(input, `wave_${wave}`, 'agent_0', 'predicted_tasks.jsonl') : path.join(input, 'predicted_tasks.jsonl');
  fs.appendFileSync(file, `${lines.join('\n')}\n`);
}

/**
 * The generated input with lines that exercise every rule across waves: a duplicate key and a
 * schema error (rejected), an unknown dependency with a same-wave and a cross-wave dependent
 * (quarantined, cascading), a valid cross-wave dependency, and a dependency on a later wave.
 */
function awkward(name: string, layout: Layout): { readonly input: string; readonly agents: string } {
  const files = generated(name, layout);
  const lines = fs.readFileSync(layout === 'tree' ? path.join(files.input, 'wave_2', 'agent_0', 'predicted_tasks.jsonl') : path.join(files.input, 'predicted_tasks.jsonl'), 'utf8').split('\n');
  const duplicate = lines.find((line) => line.includes('"agent_id": "agent_0"') && line.includes('"task_id": "task_2_')) ?? '';
  append(files.input, layout, 2, [
    duplicate,
    row(layout, 2, 'bad_p', 'agent_0', { predicted_success_probability: 2 }),
    row(layout, 2, 'lost', 'agent_0', { depends_on: ['nowhere'] }),
    row(layout, 2, 'after_lost', 'agent_0', { depends_on: ['lost', 'task_2_3'] }),
    row(layout, 2, 'early', 'agent_0', { depends_on: ['later_one'] }),
  ]);
  append(files.input, layout, 3, [
    row(layout, 3, 'cross', 'agent_0', { depends_on: ['task_1_5', 'task_3_2'], required_capabilities: ['gpu-none'] }),
    row(layout, 3, 'cross_lost', 'agent_0', { depends_on: ['lost'] }),
    row(layout, 3, 'later_one', 'agent_0'),
  ]);
  return files;
}

function request(files: { readonly input: string; readonly agents: string }, extra: Partial<LoadRequest> = {}): LoadRequest {
  return { input: files.input, agentsFile: files.agents, waves: null, onInvalid: 'quarantine', ...extra };
}

describe('streamed input', () => {
  for (const layout of ['tree', 'flat'] as const) {
    it(`${layout}: every wave read again equals the in-memory plan, with rejected and quarantined lines`, async () => {
      const files = awkward(`awkward-${layout}`, layout);
      const streamed = await loadInput(request(files));
      const reference = await loadInputInMemory(request(files));
      expect(streamed).toEqual(reference);
      // The awkward lines did what they were meant to do.
      expect(streamed.plan.waves.map((w) => [w.wave, w.tasks.length])).toEqual([
        [1, 60],
        [2, 60],
        [3, 62],
      ]);
      const reasons = new Map(streamed.rejected.map((r) => [(JSON.parse(r.raw) as { task_id?: string }).task_id, r.reasons]));
      expect(reasons.get('lost')).toEqual(['depends_on: unknown task id "nowhere" (no task of wave 2 or earlier has it)']);
      expect(reasons.get('after_lost')).toEqual(['depends_on: "lost" is quarantined']);
      expect(reasons.get('cross_lost')).toEqual(['depends_on: "lost" (wave 2) is quarantined']);
      expect(reasons.get('early')).toEqual(['depends_on: "later_one" is a task of a later wave (3); a task may depend only on tasks of its own wave or earlier']);
      expect(reasons.get('bad_p')?.[0]).toMatch(/^predicted_success_probability: /);
      expect(streamed.rejected).toHaveLength(6);
      const cross = streamed.plan.waves[2]?.tasks.find((t) => t.taskId === 'cross');
      expect(cross?.dependsOn).toEqual([
        { wave: 1, taskId: 'task_1_5' },
        { wave: 3, taskId: 'task_3_2' },
      ]);
      expect(streamed.warnings.map((w) => w.problem)).toContain('1 task has no candidate agent with every required capability; the capabilities gate will block it');
    });
  }

  it('reads the same plan from the tree and from the flat layout of the same rows', async () => {
    const tree = await loadInput(request(generated('same-tree', 'tree')));
    const flat = await loadInput(request(generated('same-flat', 'flat')));
    expect(flat.plan).toEqual(tree.plan);
    expect(tree.plan.waves.reduce((n, w) => n + w.tasks.filter((t) => t.dependsOn.length > 0).length, 0)).toBeGreaterThan(100);
  });

  it('keeps what the run needs beside the waves: outlines, task look-ups, cross-wave targets, longest times', async () => {
    const files = awkward('outline-tree', 'tree');
    const scanned = await scanInput(request(files, { waves: 2 }));
    const full = await loadInputInMemory(request(files));
    expect(scanned.plan.waves).toEqual([
      { wave: 1, taskCount: 60 },
      { wave: 2, taskCount: 60 },
    ]);
    expect(scanned.plan.hasTask(2, 'task_2_7')).toBe(true);
    expect(scanned.plan.hasTask(2, 'lost')).toBe(false);
    expect(scanned.plan.hasTask(3, 'cross')).toBe(false);
    // Wave 3 is not run, so nothing of wave 1 must outlive its wave.
    expect(scanned.plan.dependedOnLater({ wave: 1, taskId: 'task_1_5' })).toBe(false);
    const all = await scanInput(request(files));
    expect(all.plan.dependedOnLater({ wave: 1, taskId: 'task_1_5' })).toBe(true);
    expect(all.plan.dependedOnLater({ wave: 1, taskId: 'task_1_6' })).toBe(false);
    // In read order (pass 1 builds no plan), so compared as sorted lists.
    const longest = full.plan.waves.map((w) => Array.from(w.tasks, (t) => Math.max(...t.predictions.map((p) => p.predictedTimeS))).sort((a, b) => a - b));
    expect(all.plan.longestTimesS.map((a) => Array.from(a).sort((x, y) => x - y))).toEqual(longest);
    expect(longest.flat().some((s, i, a) => i > 0 && s !== a[i - 1])).toBe(true);
  });

  it('refuses a wave whose file changed after pass 1, naming the file', async () => {
    const files = generated('changed-tree', 'tree');
    const scanned = await scanInput(request(files, { onInvalid: 'fail' }));
    const file = path.join(files.input, 'wave_2', 'agent_1', 'predicted_tasks.jsonl');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('"predicted_success_probability": 0.', '"predicted_success_probability": 0.0'));
    await expect(scanned.plan.loadWave(0)).resolves.toMatchObject({ wave: 1 });
    const error = await scanned.plan.loadWave(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).diagnostics.map(formatDiagnostic)).toEqual([`${file}: (file): changed while the harness read it; run again`]);
  });

  it('a run whose next wave changed while it ran stops with exit 2 and run.json says why', async () => {
    const files = generated('changed-run', 'tree');
    const out = path.join(root, 'changed-run-out');
    const file = path.join(files.input, 'wave_3', 'agent_0', 'predicted_schedule.jsonl');
    const progress = {
      ...SILENT_PROGRESS,
      waveStarted: (wave: number) => {
        if (wave === 2) fs.appendFileSync(file, '\n');
      },
    };
    const options = { ...DEFAULT_OPTIONS, input: files.input, agentsFile: files.agents, out, reportDir: path.join(root, 'changed-run-report'), quiet: true };
    const error = await runPhase21(options, { clock: { now: () => new Date(0) }, progress, version: 'test' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).exitCode).toBe(2);
    expect((error as InputError).diagnostics.map(formatDiagnostic)).toEqual([`${file}: (file): changed while the harness read it; run again`]);
    const manifest = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8')) as { status: string; reason: string; waves_finished: number };
    expect(manifest).toMatchObject({ status: 'failed', waves_finished: 2, reason: `1 error in the input; first: ${file}: (file): changed while the harness read it; run again` });
  });
});
