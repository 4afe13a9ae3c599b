import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CAPABILITY_POOL, createGenerator, DEFAULT_BASE_TIME, type GeneratorConfig } from '../../src/generate/phase20.ts';
import { formatTaskExtras, prepareOutDir, writeAgentsFile, writePhase20 } from '../../src/generate/write-tree.ts';
import { loadInput } from '../../src/io/load.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-deps-'));
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const base: GeneratorConfig = { waves: 2, tasks: 400, agents: 4, seed: 20, baseTime: DEFAULT_BASE_TIME };

describe('generated dependencies and capabilities', () => {
  it('adds none by default', () => {
    const gen = createGenerator(base);
    const task = gen.task(1, 7);
    expect(gen.dependencies(task)).toEqual([]);
    expect(gen.requiredCapabilities(task)).toEqual([]);
  });

  it('draws up to K distinct earlier tasks of the wave, about K/2 on average', () => {
    const gen = createGenerator({ ...base, dependencies: 3 });
    const counts: number[] = [];
    for (let i = 1; i <= base.tasks; i++) {
      const deps = gen.dependencies(gen.task(2, i));
      counts.push(deps.length);
      expect(new Set(deps).size).toBe(deps.length);
      for (const id of deps) {
        const [, wave, index] = id.split('_').map(Number);
        expect(wave).toBe(2);
        expect(index).toBeGreaterThanOrEqual(1);
        expect(index).toBeLessThan(i);
      }
    }
    expect(counts[0]).toBe(0);
    expect(Math.max(...counts)).toBe(3);
    const mean = counts.reduce((a, b) => a + b, 0) / counts.length;
    // k = floor(u (K + 1)) has mean K / 2 = 1.5; repeats lower it a little for early tasks.
    expect(mean).toBeGreaterThan(1.3);
    expect(mean).toBeLessThan(1.6);
  });

  it('keys a task list by the task alone: the same with 40 or 400 tasks', () => {
    const small = createGenerator({ ...base, tasks: 40, dependencies: 3, capabilities: true });
    const large = createGenerator({ ...base, dependencies: 3, capabilities: true });
    for (let i = 1; i <= 40; i++) {
      expect(small.dependencies(small.task(1, i))).toEqual(large.dependencies(large.task(1, i)));
      expect(small.requiredCapabilities(small.task(1, i))).toEqual(large.requiredCapabilities(large.task(1, i)));
    }
  });

  it('requires a capability of about 40% of tasks, each from the pool', () => {
    const gen = createGenerator({ ...base, capabilities: true });
    const pool = new Set(CAPABILITY_POOL.map(([c]) => c));
    let required = 0;
    for (let i = 1; i <= base.tasks; i++) {
      const caps = gen.requiredCapabilities(gen.task(1, i));
      expect(caps.length).toBeLessThanOrEqual(1);
      if (caps.length === 1) required++;
      for (const c of caps) expect(pool.has(c)).toBe(true);
    }
    expect(required / base.tasks).toBeGreaterThan(0.33);
    expect(required / base.tasks).toBeLessThan(0.47);
    expect(CAPABILITY_POOL.reduce((sum, [, w]) => sum + w, 0)).toBeCloseTo(1, 12);
  });

  it('formats the extras Python-style, each only when not empty', () => {
    expect(formatTaskExtras([], [])).toBe('');
    expect(formatTaskExtras(['a', 'b'], [])).toBe(', "depends_on": ["a", "b"]');
    expect(formatTaskExtras([], ['gpu'])).toBe(', "required_capabilities": ["gpu"]');
  });

  it('writes a tree the loader accepts: the same edges, every agent capable with 4 sample profiles, a warning with 2', async () => {
    const config = { ...base, dependencies: 3, capabilities: true };
    const gen = createGenerator(config);
    let edges = 0;
    for (let w = 1; w <= base.waves; w++) for (let i = 1; i <= base.tasks; i++) edges += gen.dependencies(gen.task(w, i)).length;
    const out = path.join(root, 'tree');
    prepareOutDir(out);
    writePhase20(config, 'tree', out);
    writeAgentsFile(path.join(root, 'agents4.json'), 4);
    const loaded = await loadInput({ input: out, agentsFile: path.join(root, 'agents4.json'), waves: null, onInvalid: 'fail' });
    expect(loaded.plan.waves.reduce((n, w) => n + w.tasks.reduce((m, t) => m + t.dependsOn.length, 0), 0)).toBe(edges);
    expect(loaded.warnings).toEqual([]);

    const two = path.join(root, 'two');
    prepareOutDir(two);
    writePhase20({ ...config, agents: 2 }, 'flat', two);
    writeAgentsFile(path.join(root, 'agents2.json'), 2);
    const loadedTwo = await loadInput({ input: two, agentsFile: path.join(root, 'agents2.json'), waves: null, onInvalid: 'fail' });
    // Agents 0 and 1 have python, testing and refactoring: tasks needing data, docs or infra have no capable candidate.
    const expected = loadedTwo.plan.waves.reduce((n, w) => n + w.tasks.filter((t) => ['data', 'docs', 'infra'].includes(t.requiredCapabilities[0] ?? '')).length, 0);
    expect(expected).toBeGreaterThan(0);
    expect(loadedTwo.warnings.map((d) => d.problem)).toEqual([`${expected} tasks have no candidate agent with every required capability; the capabilities gate will block them`]);
  });
});
