import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.ts';
import { DEFAULT_BASE_TIME, type GeneratorConfig } from '../../src/generate/phase20.ts';
import {
  agentProfileRecords,
  prepareOutDir,
  pythonFloat,
  writeAgentsFile,
  writePhase20,
  type Layout,
} from '../../src/generate/write-tree.ts';
import { riskFromProbability } from '../../src/plan/model.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-test-'));
afterAll(() => { fs.rmSync(root, { recursive: true, force: true }); });
let counter = 0;
const freshDir = (): string => path.join(root, `out${counter++}`);

const config: GeneratorConfig = { waves: 2, tasks: 60, agents: 3, seed: 20, baseTime: DEFAULT_BASE_TIME };

function generate(cfg: GeneratorConfig, layout: Layout = 'tree'): string {
  const dir = freshDir();
  prepareOutDir(dir);
  writePhase20(cfg, layout, dir);
  return dir;
}

/** Relative path -> content, for every file under `dir`. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else files.set(path.relative(dir, full).split(path.sep).join('/'), fs.readFileSync(full, 'utf8'));
    }
  };
  walk(dir);
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)));
}

type Row = Record<string, unknown>;
const readRows = (file: string): Row[] =>
  fs.readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Row);
const num = (row: Row | undefined, key: string): number => {
  const v = row?.[key];
  if (typeof v !== 'number') throw new Error(`${key} is not a number`);
  return v;
};

const TASK_KEYS = ['task_id', 'agent_id', 'predicted_success_probability', 'confidence_delta_estimate', 'predicted_execution_time', 'risk_assessment', 'reasoning', 'timestamp'];
const SCHEDULE_KEYS = ['task_id', 'agent_id', 'wave', 'predicted_start_time', 'predicted_end_time', 'predicted_success_probability', 'predicted_confidence_delta', 'priority', 'status', 'timestamp'];

describe('pythonFloat', () => {
  it.each([
    [25, '25.0'],
    [0, '0.0'],
    [-0.0069, '-0.0069'],
    [0.0001, '0.0001'],
    [0.00001, '1e-05'],
    [1.5e-7, '1.5e-07'],
    [52.010000000000005, '52.010000000000005'],
    [1e16, '1e+16'],
    [9999999999999998, '9999999999999998.0'],
  ])('prints %s as Python repr does: %s', (x, expected) => {
    expect(pythonFloat(x)).toBe(expected);
  });
  it('refuses non-finite numbers', () => {
    expect(() => pythonFloat(Number.NaN)).toThrow(RangeError);
  });
});

describe('writePhase20, tree layout', () => {
  it('matches the hand-checked golden tree (--waves 1 --tasks 2 --agents 2 --seed 20)', () => {
    const dir = generate({ waves: 1, tasks: 2, agents: 2, seed: 20, baseTime: DEFAULT_BASE_TIME });
    const golden = snapshot(path.join(import.meta.dirname, 'golden', 'tiny-w1-t2-a2-s20'));
    expect([...snapshot(dir).keys()]).toEqual([...golden.keys()]);
    for (const [name, text] of golden) expect(snapshot(dir).get(name), name).toBe(text);
  });

  it('is deterministic: same config, same bytes; another seed, other bytes', () => {
    const a = snapshot(generate(config));
    expect(snapshot(generate(config))).toEqual(a);
    const other = snapshot(generate({ ...config, seed: 21 }));
    expect([...other.keys()]).toEqual([...a.keys()]);
    for (const [name, text] of other) if (name.endsWith('predicted_tasks.jsonl')) expect(text).not.toBe(a.get(name));
  });

  it('writes one prediction per (wave, task, agent) in key order, and counts what it wrote', () => {
    const dir = freshDir();
    prepareOutDir(dir);
    const summary = writePhase20(config, 'tree', dir);
    expect(summary.predictionRows).toBe(2 * 60 * 3);
    expect(summary.scheduleRows).toBe(2 * 60);
    expect(summary.files).toBe(2 * 3 * 2);
    let bytes = 0;
    for (const text of snapshot(dir).values()) bytes += Buffer.byteLength(text);
    expect(summary.bytes).toBe(bytes);
    const rows = readRows(path.join(dir, 'wave_2', 'agent_1', 'predicted_tasks.jsonl'));
    expect(rows.map((r) => r.task_id)).toEqual(Array.from({ length: 60 }, (_, i) => `task_2_${i + 1}`));
    for (const r of rows) {
      expect(Object.keys(r)).toEqual(TASK_KEYS);
      expect(r.agent_id).toBe('agent_1');
    }
  });

  it('writes valid UTC timestamps, increasing within each file', () => {
    const dir = generate(config);
    for (const name of snapshot(dir).keys()) {
      const stamps = readRows(path.join(dir, name)).map((r) => String(r.timestamp));
      for (const s of stamps) {
        expect(s).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00$/);
        expect(Number.isNaN(Date.parse(s))).toBe(false);
      }
      for (let i = 1; i < stamps.length; i++) expect((stamps[i] ?? '') > (stamps[i - 1] ?? '')).toBe(true);
    }
  });

  it('schedules each task once, on its best-p agent, with times accumulating per agent across waves', () => {
    const dir = generate(config);
    const clocks = [0, 0, 0];
    const seen = new Set<string>();
    for (let w = 1; w <= 2; w++) {
      const preds = [0, 1, 2].map((a) => readRows(path.join(dir, `wave_${w}`, `agent_${a}`, 'predicted_tasks.jsonl')));
      for (let a = 0; a < 3; a++) {
        for (const s of readRows(path.join(dir, `wave_${w}`, `agent_${a}`, 'predicted_schedule.jsonl'))) {
          expect(Object.keys(s)).toEqual(SCHEDULE_KEYS);
          const i = Number(String(s.task_id).split('_')[2]) - 1;
          const ps = preds.map((file) => num(file[i], 'predicted_success_probability'));
          expect(ps.indexOf(Math.max(...ps))).toBe(a);
          expect(s.wave).toBe(w);
          expect(s.status).toBe('ASSIGNED');
          expect([1, 2, 3]).toContain(s.priority);
          expect(num(s, 'predicted_success_probability')).toBe(ps[a]);
          expect(num(s, 'predicted_confidence_delta')).toBe(num(preds[a]?.[i], 'confidence_delta_estimate'));
          expect(num(s, 'predicted_start_time')).toBe(clocks[a]);
          expect(num(s, 'predicted_end_time')).toBe((clocks[a] ?? 0) + num(preds[a]?.[i], 'predicted_execution_time'));
          clocks[a] = num(s, 'predicted_end_time');
          expect(seen.has(`${w}/${String(s.task_id)}`)).toBe(false);
          seen.add(`${w}/${String(s.task_id)}`);
        }
      }
    }
    expect(seen.size).toBe(120);
  });

  it('gives risk labels from the rule on almost every row', () => {
    const dir = generate({ ...config, tasks: 300 });
    const rows = [0, 1, 2].flatMap((a) => readRows(path.join(dir, 'wave_1', `agent_${a}`, 'predicted_tasks.jsonl')));
    const agree = rows.filter((r) => r.risk_assessment === riskFromProbability(num(r, 'predicted_success_probability'))).length;
    expect(agree / rows.length).toBeGreaterThan(0.92);
    expect(agree).toBeLessThan(rows.length);
  });
});

describe('writePhase20, flat layout', () => {
  it('holds the tree rows in tree order, with wave after agent_id', () => {
    const tree = generate(config);
    const flat = generate(config, 'flat');
    expect([...snapshot(flat).keys()]).toEqual(['predicted_schedule.jsonl', 'predicted_tasks.jsonl']);
    const treeTasks: Row[] = [];
    const treeSchedule: Row[] = [];
    for (let w = 1; w <= 2; w++) {
      for (let a = 0; a < 3; a++) {
        for (const r of readRows(path.join(tree, `wave_${w}`, `agent_${a}`, 'predicted_tasks.jsonl'))) {
          treeTasks.push({ task_id: r.task_id, agent_id: r.agent_id, wave: w, ...r });
        }
        treeSchedule.push(...readRows(path.join(tree, `wave_${w}`, `agent_${a}`, 'predicted_schedule.jsonl')));
      }
    }
    const flatTasks = readRows(path.join(flat, 'predicted_tasks.jsonl'));
    expect(flatTasks).toEqual(treeTasks);
    for (const r of flatTasks) expect(Object.keys(r)).toEqual([...TASK_KEYS.slice(0, 2), 'wave', ...TASK_KEYS.slice(2)]);
    expect(readRows(path.join(flat, 'predicted_schedule.jsonl'))).toEqual(treeSchedule);
  });
});

describe('prepareOutDir', () => {
  it('creates a missing folder and accepts an empty one', () => {
    const dir = freshDir();
    expect(prepareOutDir(path.join(dir, 'a', 'b'))).toBe('created');
    expect(prepareOutDir(path.join(dir, 'a', 'b'))).toBe('empty');
  });

  it('replaces earlier generator output, of either layout', () => {
    const tree = generate(config);
    expect(prepareOutDir(tree)).toBe('replaced');
    expect(fs.readdirSync(tree)).toEqual([]);
    const flat = generate(config, 'flat');
    expect(prepareOutDir(flat)).toBe('replaced');
    expect(fs.readdirSync(flat)).toEqual([]);
  });

  it('refuses a folder holding anything else, and deletes nothing', () => {
    const dir = generate(config);
    fs.writeFileSync(path.join(dir, 'metrics.jsonl'), '{}\n');
    expect(() => prepareOutDir(dir)).toThrow(UsageError);
    expect(() => prepareOutDir(dir)).toThrow(/metrics\.jsonl/);
    expect(fs.existsSync(path.join(dir, 'metrics.jsonl'))).toBe(true);
    expect(fs.existsSync(path.join(dir, 'wave_1', 'agent_0', 'predicted_tasks.jsonl'))).toBe(true);
  });

  it('refuses a file named wave_1 and a path that is a file', () => {
    const dir = freshDir();
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'wave_1'), 'x');
    expect(() => prepareOutDir(dir)).toThrow(UsageError);
    expect(() => prepareOutDir(path.join(dir, 'wave_1'))).toThrow(/not a folder/);
  });
});

describe('agent profiles', () => {
  it('gives four distinct archetypes and repeats them for more agents', () => {
    const records = agentProfileRecords(5);
    expect(records.map((r) => r.agent_id)).toEqual(['agent_0', 'agent_1', 'agent_2', 'agent_3', 'agent_4']);
    expect(records.slice(0, 4).map((r) => [r.max_concurrency, r.speed, r.reliability_offset])).toEqual([
      [2, 1.0, 0.0],
      [2, 1.0, -0.15],
      [1, 1.8, 0.0],
      [3, 1.0, 0.03],
    ]);
    expect({ ...records[4], agent_id: 'agent_0' }).toEqual(records[0]);
    expect(() => agentProfileRecords(0)).toThrow(RangeError);
  });

  it('writes agents.json as {"agents": [...]}', () => {
    const file = path.join(freshDir(), 'nested', 'agents.json');
    writeAgentsFile(file, 2);
    const text = fs.readFileSync(file, 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual({ agents: agentProfileRecords(2) });
  });
});
