/**
 * The importer's I/O end: line bytes, the tree it writes, the --out rule, reading JSON, and the
 * harness's own loader reading the result.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, UsageError } from '../../src/errors.ts';
import { importedRows } from '../../src/import/mapping.ts';
import { checkWfCommonsInstance } from '../../src/import/wfcommons.ts';
import { compileWfFormatSchema } from '../../src/import/wfformat.ts';
import { checkOutDir, formatImportedRow, pythonJsonString, readJsonFile, writeImportTree } from '../../src/import/write-tree.ts';
import type { Workflow } from '../../src/import/rules.ts';
import { loadInput } from '../../src/io/load.ts';
import { DIAMOND, makeInstance } from './helpers.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'import-write-'));
afterAll(() => { fs.rmSync(root, { recursive: true, force: true }); });
let counter = 0;
const fresh = (): string => path.join(root, `case-${++counter}`);

function diamond(): Workflow {
  const outcome = checkWfCommonsInstance(makeInstance(DIAMOND), compileWfFormatSchema({}), 'diamond.json');
  if (outcome.kind !== 'imported') throw new Error('the diamond must import');
  return outcome.workflow;
}

/** Every file under `dir`, relative path -> text. */
function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) files[path.relative(dir, path.join(entry.parentPath, entry.name))] = fs.readFileSync(path.join(entry.parentPath, entry.name), 'utf8');
  }
  return files;
}

const AGENT_0 =
  '{"task_id": "fetch", "agent_id": "agent_0", "predicted_success_probability": 0.8827, "predicted_execution_time": 10.0, "depends_on": []}\n' +
  '{"task_id": "align.left_1", "agent_id": "agent_0", "predicted_success_probability": 0.8228, "predicted_execution_time": 5.0, "depends_on": ["fetch"]}\n' +
  '{"task_id": "align.right_2", "agent_id": "agent_0", "predicted_success_probability": 0.8109, "predicted_execution_time": 0.01, "depends_on": ["fetch"]}\n' +
  '{"task_id": "merge", "agent_id": "agent_0", "predicted_success_probability": 0.7284, "predicted_execution_time": 2.5, "depends_on": ["align.left_1", "align.right_2"]}\n';

describe('formatImportedRow', () => {
  it('writes a line as Python json.dumps does', () => {
    expect(formatImportedRow({ task_id: 't', agent_id: 'agent_3', predicted_success_probability: 0.9, predicted_execution_time: 25, depends_on: ['a', 'b.c'] })).toBe(
      '{"task_id": "t", "agent_id": "agent_3", "predicted_success_probability": 0.9, "predicted_execution_time": 25.0, "depends_on": ["a", "b.c"]}\n',
    );
  });

  it('escapes non-ASCII characters as \\uXXXX (ensure_ascii), quotes and backslashes as JSON does', () => {
    expect(pythonJsonString('caf\u00e9 \u{1F600} "q" \\')).toBe('"caf\\u00e9 \\ud83d\\ude00 \\"q\\" \\\\"');
    expect(JSON.parse(pythonJsonString('caf\u00e9 \u{1F600}'))).toBe('caf\u00e9 \u{1F600}');
  });
});

describe('writeImportTree', () => {
  it('writes wave_1/agent_<i>/predicted_tasks.jsonl with the exact lines, and nothing else', () => {
    const out = fresh();
    const summary = writeImportTree(out, diamond(), { agents: 2, seed: 20 });
    const files = readTree(out);
    expect(Object.keys(files).sort()).toEqual([path.join('wave_1', 'agent_0', 'predicted_tasks.jsonl'), path.join('wave_1', 'agent_1', 'predicted_tasks.jsonl')]);
    expect(files[path.join('wave_1', 'agent_0', 'predicted_tasks.jsonl')]).toBe(AGENT_0);
    expect(summary).toEqual({ files: 2, rows: 8, bytes: Buffer.byteLength(Object.values(files).join('')) });
    expect(fs.readdirSync(root).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('writes exactly the rows of importedRows, each line as formatImportedRow writes it', () => {
    const out = fresh();
    writeImportTree(out, diamond(), { agents: 5, seed: 11 });
    const files = readTree(out);
    for (const { agentId, rows } of importedRows(diamond(), { agents: 5, seed: 11 })) {
      expect(files[path.join('wave_1', agentId, 'predicted_tasks.jsonl')]).toBe(rows.map(formatImportedRow).join(''));
    }
  });

  it('writes the same bytes twice', () => {
    const a = fresh();
    const b = fresh();
    writeImportTree(a, diamond(), { agents: 3, seed: 5 });
    writeImportTree(b, diamond(), { agents: 3, seed: 5 });
    expect(readTree(a)).toEqual(readTree(b));
  });

  it('fills an empty folder, and creates missing parents', () => {
    const empty = fresh();
    fs.mkdirSync(empty);
    writeImportTree(empty, diamond(), { agents: 1, seed: 20 });
    expect(readTree(empty)[path.join('wave_1', 'agent_0', 'predicted_tasks.jsonl')]).toBe(AGENT_0);
    const nested = path.join(fresh(), 'a', 'b');
    writeImportTree(nested, diamond(), { agents: 1, seed: 20 });
    expect(fs.existsSync(path.join(nested, 'wave_1', 'agent_0', 'predicted_tasks.jsonl'))).toBe(true);
  });

  it('refuses a folder that is not empty and a file, touching neither', () => {
    const full = fresh();
    fs.mkdirSync(full);
    fs.writeFileSync(path.join(full, 'notes.txt'), 'mine');
    expect(() => writeImportTree(full, diamond(), { agents: 1, seed: 20 })).toThrow(new UsageError(`--out: ${full} exists and is not empty; choose a new or empty folder`));
    expect(fs.readdirSync(full)).toEqual(['notes.txt']);
    const file = path.join(root, 'a-file');
    fs.writeFileSync(file, 'x');
    expect(() => { checkOutDir(file); }).toThrow(new UsageError(`--out: ${file} exists and is not a folder`));
    expect(fs.readFileSync(file, 'utf8')).toBe('x');
  });

  it('writes a tree the harness loads without a diagnostic, dependencies carried', async () => {
    const out = fresh();
    writeImportTree(out, diamond(), { agents: 2, seed: 20 });
    const loaded = await loadInput({ input: out, agentsFile: null, waves: null, onInvalid: 'fail' });
    expect(loaded.warnings).toEqual([]);
    expect(loaded.rejected).toEqual([]);
    expect(loaded.layout).toBe('tree');
    expect(loaded.plan.agents.map((a) => a.agentId)).toEqual(['agent_0', 'agent_1']);
    const wave = loaded.plan.waves[0];
    expect(loaded.plan.waves).toHaveLength(1);
    expect(wave?.tasks.map((t) => [t.taskId, t.dependsOn.map((d) => d.taskId), t.predictions.map((p) => p.predictedTimeS)])).toEqual([
      ['align.left_1', ['fetch'], [5, 5]],
      ['align.right_2', ['fetch'], [0.01, 0.01]],
      ['fetch', [], [10, 10]],
      ['merge', ['align.left_1', 'align.right_2'], [2.5, 2.5]],
    ]);
    expect(wave?.tasks.flatMap((t) => t.dependsOn.map((d) => d.wave))).toEqual([1, 1, 1, 1]);
    // fetch first, then the two aligns, then merge.
    expect(wave?.topologicalOrder).toEqual([2, 0, 1, 3]);
  });
});

describe('readJsonFile', () => {
  it('parses a file and skips a UTF-8 BOM', () => {
    const file = path.join(root, 'bom.json');
    fs.writeFileSync(file, '\uFEFF{"a": [1, 2]}');
    expect(readJsonFile(file)).toEqual({ a: [1, 2] });
  });

  it('names a missing file', () => {
    const file = path.join(root, 'missing.json');
    expect(() => readJsonFile(file)).toThrow(InputError);
    try {
      readJsonFile(file);
    } catch (error: unknown) {
      expect((error as InputError).diagnostics).toEqual([{ severity: 'error', file, line: null, field: '(file)', problem: 'cannot read (ENOENT)' }]);
    }
  });

  // V8's wording changes between Node versions; the line, the field and the one-line form do not.
  it.each([
    ['{\n  "a": 1,\n}\n', 3, /^not valid JSON: Expected double-quoted property name in JSON at position 12\b[^\n]*$/],
    ['{"a": }', null, /^not valid JSON: Unexpected token '}'$/],
    ['{"a":\n tru}', null, /^not valid JSON: Unexpected token '}'$/],
  ])('gives bad JSON one line of message, with its line where the parser says where (%j)', (text, line, problem) => {
    const file = path.join(root, `bad-${++counter}.json`);
    fs.writeFileSync(file, text);
    try {
      readJsonFile(file);
      expect.unreachable();
    } catch (error: unknown) {
      expect((error as InputError).diagnostics).toEqual([{ severity: 'error', file, line, field: '(json)', problem: expect.stringMatching(problem) as string }]);
    }
  });
});
