/**
 * Dependencies of the real WfCommons instances (../shared/fixtures/wfcommons/), imported into a
 * temp tree and loaded: every parent link becomes one resolved same-wave dependency, the wave's
 * topological order puts every task after its parents, and a cycle injected into the rows is
 * refused naming its tasks. Skips with a visible reason when the fixtures are absent.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/errors.ts';
import { checkWfCommonsInstance } from '../../src/import/wfcommons.ts';
import { compileWfFormatSchema } from '../../src/import/wfformat.ts';
import { writeImportTree } from '../../src/import/write-tree.ts';
import { loadInput } from '../../src/io/load.ts';
import { readSchema, schemaPresent, WFCOMMONS_FIXTURES } from '../import/helpers.ts';
import { loadError, request } from './helpers.ts';

/** Tasks and parent links, counted in the instances (as in test/import/fixtures.test.ts). */
const INSTANCES = [
  { file: 'montage-chameleon-dss-15d-001.json', tasks: 2122, edges: 6114 },
  { file: 'epigenomics-chameleon-ilmn-2seq-50k-001.json', tasks: 515, edges: 639 },
  { file: 'sarek-dirt02-001.json', tasks: 26, edges: 50 },
] as const;

const present = schemaPresent && INSTANCES.every((e) => fs.existsSync(path.join(WFCOMMONS_FIXTURES, e.file)));
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'deps-wfcommons-'));
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function importTree(file: string, out: string): void {
  const validator = compileWfFormatSchema(readSchema());
  const full = path.join(WFCOMMONS_FIXTURES, file);
  const outcome = checkWfCommonsInstance(JSON.parse(fs.readFileSync(full, 'utf8')) as unknown, validator, full);
  if (outcome.kind !== 'imported') throw new Error(`${file} must import`);
  writeImportTree(out, outcome.workflow, { agents: 2, seed: 20 });
}

if (!present) it.skip('skipped: ../shared/fixtures/wfcommons not found (the real WfCommons instances and schema)', () => undefined);

describe.skipIf(!present)('WfCommons instances through the loader', () => {
  it.each(INSTANCES)('$file: $edges dependencies, resolved in wave 1, in a valid topological order', async (expected) => {
    const out = path.join(root, expected.file);
    importTree(expected.file, out);
    const wave = (await loadInput(request(out))).plan.waves[0];
    const tasks = wave?.tasks ?? [];
    expect(tasks).toHaveLength(expected.tasks);
    expect(tasks.reduce((n, t) => n + t.dependsOn.length, 0)).toBe(expected.edges);
    expect(tasks.every((t) => t.dependsOn.every((d) => d.wave === 1))).toBe(true);
    const order = wave?.topologicalOrder ?? [];
    expect([...order].sort((a, b) => a - b)).toEqual(tasks.map((_, i) => i));
    const position = new Map(order.map((index, at) => [tasks[index]?.taskId, at]));
    for (const task of tasks) for (const d of task.dependsOn) expect(position.get(d.taskId) ?? Infinity).toBeLessThan(position.get(task.taskId) ?? -1);
  });

  it('refuses a cycle injected into montage (two root tasks made to depend on each other), naming both in order', async () => {
    const out = path.join(root, 'montage-cycle');
    importTree('montage-chameleon-dss-15d-001.json', out);
    const agentFiles = ['agent_0', 'agent_1'].map((a) => path.join(out, 'wave_1', a, 'predicted_tasks.jsonl'));
    const firstLines = fs.readFileSync(agentFiles[0] ?? '', 'utf8').split('\n');
    const roots = firstLines.filter((l) => l !== '').map((l) => JSON.parse(l) as { task_id: string; depends_on?: string[] }).filter((r) => (r.depends_on ?? []).length === 0);
    const [one, two] = [roots[0]?.task_id ?? '', roots[1]?.task_id ?? ''];
    for (const file of agentFiles) {
      const lines = fs.readFileSync(file, 'utf8').split('\n').map((line) => {
        if (line === '') return line;
        const row = JSON.parse(line) as { task_id: string; depends_on?: string[] };
        if (row.task_id === one) return JSON.stringify({ ...row, depends_on: [two] });
        if (row.task_id === two) return JSON.stringify({ ...row, depends_on: [one] });
        return line;
      });
      fs.writeFileSync(file, lines.join('\n'));
    }
    const lineOfOne = firstLines.findIndex((l) => l !== '' && (JSON.parse(l) as { task_id: string }).task_id === one) + 1;
    expect(lineOfOne).toBeGreaterThan(0);
    const error = await loadError(request(out));
    expect(error.diagnostics.map(formatDiagnostic)).toEqual([`${agentFiles[0] ?? ''}:${lineOfOne}: depends_on: cycle: ${one} -> ${two} -> ${one}`]);
  });
});
