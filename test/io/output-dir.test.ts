import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputError } from '../../src/errors.ts';
import { OutputFolder } from '../../src/io/atomic.ts';
import { LOCK_DIR, LOCK_OWNER } from '../../src/io/lock.ts';
import { checkOutputLocations, inspectOutputDir, removeListed } from '../../src/io/output-dir.ts';
import { NODE_OUTPUT_FS } from '../../src/io/output-fs.ts';
import { removeTempDirs, tempDir } from '../e2e/helpers.ts';

afterAll(removeTempDirs);

function manifest(artifacts: readonly string[]): string {
  return `${JSON.stringify({ schema_version: '1.0.0', tool: 'phase21-harness', artifacts })}\n`;
}

function folderWith(files: Readonly<Record<string, string>>): string {
  const root = tempDir('p21-outdir-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
  return root;
}

function refusal(action: () => unknown): string {
  try {
    action();
  } catch (error: unknown) {
    if (error instanceof OutputError) return error.message;
    throw error;
  }
  throw new Error('expected an OutputError');
}

describe('checkOutputLocations', () => {
  it('accepts folders that exist or can be created', () => {
    const root = tempDir('p21-loc-');
    expect(() => {
      checkOutputLocations({ out: path.join(root, 'a/b/out'), reportDir: path.join(root, 'r'), reportFile: path.join(root, 'r/x.md') });
    }).not.toThrow();
  });

  it('refuses a folder under a regular file, and a folder that is a file', () => {
    const root = folderWith({ 'file.txt': 'x' });
    const file = path.join(root, 'file.txt');
    expect(refusal(() => { checkOutputLocations({ out: path.join(root, 'out'), reportDir: path.join(file, 'reports'), reportFile: path.join(file, 'reports/x.md') }); }))
      .toBe(`--report-dir: cannot create ${path.join(file, 'reports')}: ${file} is a file, not a folder`);
    expect(refusal(() => { checkOutputLocations({ out: file, reportDir: root, reportFile: path.join(root, 'x.md') }); }))
      .toBe(`--out: ${file} exists and is not a folder`);
  });

  it('refuses a report file that is a symbolic link (to a file outside the report folder)', () => {
    const root = tempDir('p21-loc-');
    const outside = path.join(folderWith({ 'precious.md': 'keep\n' }), 'precious.md');
    mkdirSync(path.join(root, 'reports'));
    symlinkSync(outside, path.join(root, 'reports', 'x.md'));
    expect(refusal(() => { checkOutputLocations({ out: path.join(root, 'out'), reportDir: path.join(root, 'reports'), reportFile: path.join(root, 'reports', 'x.md') }); }))
      .toMatch(/^--report-dir: .*x\.md is a symbolic link \(to .*precious\.md\); refusing to replace it/);
    expect(readFileSync(outside, 'utf8')).toBe('keep\n');
  });
});

describe('inspectOutputDir', () => {
  it('absent and empty folders (the lock and a first run.json\'s temporary name do not count)', () => {
    const root = tempDir('p21-outdir-');
    expect(inspectOutputDir(path.join(root, 'nope'))).toEqual({ kind: 'absent' });
    mkdirSync(path.join(root, LOCK_DIR));
    writeFileSync(path.join(root, LOCK_OWNER), '{}');
    writeFileSync(path.join(root, '.run.json.tmp'), '{"half');
    expect(inspectOutputDir(root)).toEqual({ kind: 'empty' });
  });

  it('a folder whose every entry the manifest lists (or their temporary names) is ours', () => {
    const root = folderWith({ 'run.json': manifest(['run.json', 'a.jsonl', 'wave_1/x.jsonl']), 'a.jsonl': '', 'wave_1/.x.jsonl.tmp': 'half' });
    const state = inspectOutputDir(root);
    expect(state.kind).toBe('ours');
    expect(state.kind === 'ours' ? state.listed : []).toEqual(['a.jsonl', 'run.json', 'wave_1/x.jsonl']);
  });

  it('refuses, and changes nothing, when run.json is {} / empty / a folder, or lists paths outside the folder', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ 'run.json': '{}\n', 'precious.txt': 'keep' }, /run\.json is not a Phase 21 manifest/],
      [{ 'run.json': '', 'precious.txt': 'keep' }, /run\.json is not JSON/],
      [{ 'run.json': manifest(['../precious.txt']), 'precious.txt': 'keep' }, /run\.json is not a Phase 21 manifest/],
      [{ 'run.json': manifest(['/etc/passwd']), 'precious.txt': 'keep' }, /run\.json is not a Phase 21 manifest/],
    ];
    for (const [files, message] of cases) {
      const root = folderWith(files);
      expect(refusal(() => inspectOutputDir(root))).toMatch(message);
      expect(readFileSync(path.join(root, 'precious.txt'), 'utf8')).toBe('keep');
    }
    const root = folderWith({ 'run.json/inner': 'x', 'precious.txt': 'keep' });
    expect(refusal(() => inspectOutputDir(root))).toMatch(/run\.json is not a regular file/);
  });

  it('refuses a folder holding files its manifest does not list, naming them', () => {
    const root = folderWith({ 'run.json': manifest(['run.json', 'a.jsonl']), 'a.jsonl': '', 'precious.txt': 'keep', 'notes/x.md': 'keep' });
    expect(refusal(() => inspectOutputDir(root))).toBe(
      `--out: ${root} holds entries that its run.json does not list (notes/, precious.txt); refusing to empty it: move them away or choose another --out`,
    );
  });

  it('refuses a folder that is not empty and has no run.json', () => {
    const root = folderWith({ 'keep.txt': 'x' });
    expect(refusal(() => inspectOutputDir(root))).toMatch(/not empty and holds no run\.json/);
  });
});

describe('removeListed', () => {
  it('removes the listed files, their temporary names and the folders left empty; keeps run.json; tolerates missing files', () => {
    const root = folderWith({
      'run.json': 'm',
      'a.jsonl': '',
      'wave_1/agent_0/x.jsonl': '',
      'wave_1/agent_0/.y.jsonl.tmp': '',
      'wave_2/z.json': '',
    });
    removeListed(new OutputFolder(root, NODE_OUTPUT_FS, '--out'), ['run.json', 'a.jsonl', 'gone.jsonl', 'wave_1/agent_0/x.jsonl', 'wave_1/agent_0/y.jsonl', 'wave_2/z.json']);
    expect(readdirSync(root)).toEqual(['run.json']);
  });
});
