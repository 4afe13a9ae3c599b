/**
 * The importer on the real WfCommons instances (../shared/fixtures/wfcommons/, beside the
 * checkout; see its README). Skipped, saying so, where that folder is absent.
 *
 * Each instance's counts and critical path are computed here from the raw JSON, without the
 * importer, and checked against the figures recorded below (they agree with the fixtures'
 * README). The critical path is the longest path through the DAG, each task weighted by its
 * runtime raised to 0.01 s (the importer's floor): the number the harness must find when it
 * computes its own critical path from `depends_on` (contract section 10).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkWfCommonsInstance } from '../../src/import/wfcommons.ts';
import { compileWfFormatSchema } from '../../src/import/wfformat.ts';
import type { ImportedRow } from '../../src/import/mapping.ts';
import { formatImportedRow, writeImportTree } from '../../src/import/write-tree.ts';
import { loadInput } from '../../src/io/load.ts';
import { readSchema, schemaPresent, WFCOMMONS_FIXTURES } from './helpers.ts';

interface Expected {
  readonly file: string;
  readonly tasks: number;
  /** Parent links = child links. */
  readonly edges: number;
  readonly roots: number;
  readonly longestId: number;
  /** Tasks whose runtime is below 0.01 s. */
  readonly floored: number;
  /** Longest path, seconds, runtimes raised to 0.01 s. */
  readonly criticalPathS: number;
  /** Sum of runtimes raised to 0.01 s. */
  readonly totalWorkS: number;
}

const INSTANCES: readonly Expected[] = [
  { file: 'montage-chameleon-dss-15d-001.json', tasks: 2122, edges: 6114, roots: 108, longestId: 21, floored: 1651, criticalPathS: 989.458, totalWorkS: 78090.522 },
  { file: 'epigenomics-chameleon-ilmn-2seq-50k-001.json', tasks: 515, edges: 639, roots: 2, longestId: 91, floored: 0, criticalPathS: 164.37, totalWorkS: 8790.647 },
  { file: 'sarek-dirt02-001.json', tasks: 26, edges: 50, roots: 9, longestId: 104, floored: 15, criticalPathS: 309.697, totalWorkS: 393.376 },
];

const present = schemaPresent && INSTANCES.every((e) => fs.existsSync(path.join(WFCOMMONS_FIXTURES, e.file)));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'import-fixtures-'));
afterAll(() => { fs.rmSync(root, { recursive: true, force: true }); });

/** A task as the critical-path computation needs it. */
interface DagTask {
  readonly id: string;
  readonly weightS: number;
  readonly parents: readonly string[];
}

/**
 * Longest weighted path (Kahn's topological order, finish = weight + latest parent finish).
 * @throws Error on a cycle or an unknown parent.
 */
function criticalPath(tasks: readonly DagTask[]): number {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const pending = new Map(tasks.map((t) => [t.id, t.parents.length]));
  const children = new Map<string, string[]>(tasks.map((t) => [t.id, []]));
  for (const t of tasks) for (const p of t.parents) {
    const list = children.get(p);
    if (list === undefined) throw new Error(`unknown parent ${p}`);
    list.push(t.id);
  }
  const finish = new Map<string, number>();
  const ready = tasks.filter((t) => t.parents.length === 0).map((t) => t.id);
  let done = 0;
  while (ready.length > 0) {
    const id = ready.pop() as string;
    const task = byId.get(id) as DagTask;
    finish.set(id, task.weightS + Math.max(0, ...task.parents.map((p) => finish.get(p) ?? Number.NaN)));
    done++;
    for (const c of children.get(id) ?? []) {
      const left = (pending.get(c) ?? 0) - 1;
      pending.set(c, left);
      if (left === 0) ready.push(c);
    }
  }
  if (done !== tasks.length) throw new Error('cycle');
  return Math.max(...finish.values());
}

interface RawInstance {
  readonly workflow: {
    readonly specification: { readonly tasks: readonly { readonly id: string; readonly parents: readonly string[]; readonly children: readonly string[] }[] };
    readonly execution: { readonly tasks: readonly { readonly id: string; readonly runtimeInSeconds: number }[] };
  };
}

/** Every file under `dir`: relative path -> bytes. */
function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files.set(path.relative(dir, path.join(entry.parentPath, entry.name)), fs.readFileSync(path.join(entry.parentPath, entry.name)));
  }
  return files;
}

interface Row {
  readonly task_id: string;
  readonly agent_id: string;
  readonly predicted_execution_time: number;
  readonly depends_on: readonly string[];
}

if (!present) it.skip('skipped: ../shared/fixtures/wfcommons not found (the real WfCommons instances and schema)', () => undefined);

describe.skipIf(!present)('real WfCommons instances', () => {
  const validator = present ? compileWfFormatSchema(readSchema()) : compileWfFormatSchema({});

  describe.each(INSTANCES)('$file', (expected) => {
    const file = path.join(WFCOMMONS_FIXTURES, expected.file);
    const out = path.join(root, `${expected.file}-a`);
    const again = path.join(root, `${expected.file}-b`);
    let raw: RawInstance;
    let rows: Row[];

    beforeAll(() => {
      raw = JSON.parse(fs.readFileSync(file, 'utf8')) as RawInstance;
      for (const target of [out, again]) {
        const outcome = checkWfCommonsInstance(raw, validator, file);
        if (outcome.kind !== 'imported') throw new Error(`${expected.file} must import: ${JSON.stringify(outcome.diagnostics.slice(0, 3))}`);
        writeImportTree(target, outcome.workflow, { agents: 4, seed: 20 });
      }
      rows = fs
        .readFileSync(path.join(out, 'wave_1', 'agent_2', 'predicted_tasks.jsonl'), 'utf8')
        .split('\n')
        .filter((line) => line !== '')
        .map((line) => JSON.parse(line) as Row);
    });

    it('has the recorded shape (computed from the raw JSON)', () => {
      const spec = raw.workflow.specification.tasks;
      const runtimes = raw.workflow.execution.tasks.map((t) => t.runtimeInSeconds);
      expect(spec).toHaveLength(expected.tasks);
      expect(spec.reduce((n, t) => n + t.parents.length, 0)).toBe(expected.edges);
      expect(spec.reduce((n, t) => n + t.children.length, 0)).toBe(expected.edges);
      expect(spec.filter((t) => t.parents.length === 0)).toHaveLength(expected.roots);
      expect(Math.max(...spec.map((t) => t.id.length))).toBe(expected.longestId);
      expect(runtimes.filter((r) => r < 0.01)).toHaveLength(expected.floored);
      expect(runtimes.reduce((s, r) => s + Math.max(r, 0.01), 0)).toBeCloseTo(expected.totalWorkS, 6);
    });

    it('keeps every task and every parent link, ids unchanged, in instance order', () => {
      expect(rows.map((r) => r.task_id)).toEqual(raw.workflow.specification.tasks.map((t) => t.id));
      expect(rows.map((r) => r.depends_on)).toEqual(raw.workflow.specification.tasks.map((t) => t.parents));
      expect(rows.reduce((n, r) => n + r.depends_on.length, 0)).toBe(expected.edges);
      expect(new Set(rows.map((r) => r.agent_id))).toEqual(new Set(['agent_2']));
    });

    it('keeps the critical path: from the instance and from the rows, the recorded figure', () => {
      const runtime = new Map(raw.workflow.execution.tasks.map((t) => [t.id, t.runtimeInSeconds]));
      const fromInstance = criticalPath(raw.workflow.specification.tasks.map((t) => ({ id: t.id, weightS: Math.max(runtime.get(t.id) ?? Number.NaN, 0.01), parents: t.parents })));
      const fromRows = criticalPath(rows.map((r) => ({ id: r.task_id, weightS: r.predicted_execution_time, parents: r.depends_on })));
      expect(fromInstance).toBeCloseTo(expected.criticalPathS, 6);
      expect(fromRows).toBe(fromInstance);
    });

    it('writes every line in its canonical form (parsed and written again, the same text)', () => {
      const lines = fs.readFileSync(path.join(out, 'wave_1', 'agent_2', 'predicted_tasks.jsonl'), 'utf8').split('\n').slice(0, -1);
      for (const line of lines) expect(formatImportedRow(JSON.parse(line) as ImportedRow)).toBe(`${line}\n`);
    });

    it('writes the same bytes twice', () => {
      const a = readTree(out);
      const b = readTree(again);
      expect([...a.keys()].sort()).toEqual([0, 1, 2, 3].map((i) => path.join('wave_1', `agent_${i}`, 'predicted_tasks.jsonl')));
      for (const [name, bytes] of a) expect(bytes.equals(b.get(name) ?? Buffer.alloc(0)), name).toBe(true);
    });

    it('loads through the harness loader without a diagnostic', async () => {
      const loaded = await loadInput({ input: out, agentsFile: null, waves: null, onInvalid: 'fail' });
      expect(loaded.warnings).toEqual([]);
      expect(loaded.rejected).toEqual([]);
      expect(loaded.plan.waves).toHaveLength(1);
      expect(loaded.plan.agents.map((a) => a.agentId)).toEqual(['agent_0', 'agent_1', 'agent_2', 'agent_3']);
      const tasks = loaded.plan.waves[0]?.tasks ?? [];
      expect(tasks).toHaveLength(expected.tasks);
      expect(tasks.reduce((n, t) => n + t.dependsOn.length, 0)).toBe(expected.edges);
      expect(tasks.every((t) => t.predictions.length === 4)).toBe(true);
    });
  });
});
