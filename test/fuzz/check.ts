/**
 * The properties every fuzz case must keep (issue 5):
 *
 * - exit code 0 or 2, never 3 (no crash), never a stack trace;
 * - nothing written outside the output and report folders (the case folder is snapshotted
 *   before and after: the input, the outside files links point to, the agents file);
 * - exit 2 writes nothing at all;
 * - stderr holds no control byte but `\n`, no separator or bidi control, no forged
 *   `FORGED/...` line, and never the content of a file outside the input;
 * - exit 0: every artifact passes its schema; every entry under the input is read or named
 *   in a warning; every non-blank line of every file read is in the run (its task in
 *   `task_outcomes.jsonl`) or in `rejected.jsonl`, verbatim; a rerun gives the same bytes.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ROOT_KNOWN } from '../../src/io/discover.ts';
import { escapeText } from '../../src/util/escape.ts';
import { firstFailure, walk } from '../helpers/artifacts.ts';
import { SECRET } from './tree.ts';

/** Path (relative to the case folder) -> kind and content hash, links not followed. */
export type Snapshot = ReadonlyMap<string, string>;

/** Every entry under `root`, links and pipes included, without following links. */
export function snapshot(root: string): Snapshot {
  const out = new Map<string, string>();
  const visit = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      const full = path.join(root, child);
      if (entry.isSymbolicLink()) out.set(child, `link ${fs.readlinkSync(full)}`);
      else if (entry.isDirectory()) {
        out.set(child, 'dir');
        visit(child);
      } else if (entry.isFile()) out.set(child, `file ${createHash('sha256').update(fs.readFileSync(full)).digest('hex')}`);
      else out.set(child, 'special');
    }
  };
  visit('');
  return out;
}

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** What {@link checkCase} needs. */
export interface CaseRun {
  readonly root: string;
  readonly input: string;
  readonly out: string;
  readonly report: string;
  readonly mode: 'fail' | 'quarantine';
  readonly before: Snapshot;
  readonly run: Run;
  readonly again: Run | null;
}

// eslint-disable-next-line no-control-regex -- control bytes are what is looked for
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const OUTPUT_FOLDERS = /^(out|report|out2|report2)(\/|$)/;

/** Checks a case; returns its result with every failure found. */
export function checkCase(c: CaseRun): { code: number; stderr: string; failures: string[]; accounted: boolean } {
  const failures: string[] = [];
  const { code, stderr, stdout } = c.run;
  if (code !== 0 && code !== 2) failures.push(`exit code ${code}${code === -1 ? ' (no answer within 60 s)' : ''}`);
  if (/^\s+at /m.test(stderr) || stderr.includes('internal error')) failures.push('a stack trace or an internal error on stderr');
  const unsafe = UNSAFE.exec(stderr);
  if (unsafe !== null) failures.push(`stderr holds U+${(unsafe[0].codePointAt(0) ?? 0).toString(16).padStart(4, '0')} near ${JSON.stringify(stderr.slice(Math.max(0, unsafe.index - 60), unsafe.index + 20))}`);
  if (/^(warning: )?FORGED/m.test(stderr)) failures.push('stderr holds a forged line');
  if (stderr.includes(SECRET) || stdout.includes(SECRET)) failures.push('the content of a file outside the input reached stderr');

  const after = snapshot(c.root);
  for (const [rel, kind] of after) if (!OUTPUT_FOLDERS.test(rel) && c.before.get(rel) !== kind) failures.push(`${rel}: written outside the output folders (${kind})`);
  for (const [rel, kind] of c.before) if (after.get(rel) !== kind) failures.push(`${rel}: changed or removed (${kind})`);

  let accounted = false;
  if (code === 2) {
    if (fs.existsSync(c.out) || fs.existsSync(c.report)) failures.push('exit 2 but the output or report folder was written');
    if (stderr.trim() === '') failures.push('exit 2 without a message');
  }
  if (code === 0) {
    const problem = firstFailure(c.out);
    if (problem !== null) failures.push(`artifact: ${problem}`);
    for (const file of [...walk(c.out).map((f) => path.join(c.out, f)), ...walk(c.report).map((f) => path.join(c.report, f))]) {
      if (fs.readFileSync(file, 'utf8').includes(SECRET)) failures.push(`${file}: holds the content of a file outside the input`);
    }
    failures.push(...silentlySkipped(c.input, stderr, c.out));
    const lines = lineAccounting(c);
    failures.push(...lines);
    accounted = c.mode === 'quarantine' && lines.length === 0;
    if (c.again !== null) failures.push(...sameBytes(c.out, path.join(c.root, 'out2')));
  }
  return { code, stderr, failures, accounted };
}

interface InputRecord {
  readonly path: string;
  readonly kind: string;
  readonly lines: number;
  readonly accepted_rows: number;
  readonly rejected_rows: number;
}

function manifestInputs(out: string): InputRecord[] {
  const manifest = JSON.parse(fs.readFileSync(path.join(out, 'run.json'), 'utf8')) as { inputs?: InputRecord[] };
  return (manifest.inputs ?? []).filter((i) => i.kind === 'predicted_tasks' || i.kind === 'predicted_schedule');
}

/** Every entry under the input (links not followed) must be read, inside something read, or named on stderr. */
function silentlySkipped(input: string, stderr: string, out: string): string[] {
  const read = manifestInputs(out).map((i) => i.path);
  const failures: string[] = [];
  const visit = (rel: string): void => {
    for (const entry of fs.readdirSync(path.join(input, rel), { withFileTypes: true })) {
      const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (rel === '' && (ROOT_KNOWN.has(entry.name) || (entry.name.endsWith('.md') && !entry.name.startsWith('.')))) continue;
      const full = path.join(input, child);
      const named = (): boolean => {
        const parts = child.split('/');
        return parts.some((_, i) => stderr.includes(`${escapeText(path.join(input, ...parts.slice(0, i + 1)))}: (`));
      };
      if (entry.isDirectory()) {
        if (!read.some((p) => p.startsWith(`${full}${path.sep}`)) && named()) continue;
        visit(child);
        continue;
      }
      if (read.some((p) => p === full || p.startsWith(`${full}${path.sep}`)) || named()) continue;
      failures.push(`${child}: neither read nor named in a warning`);
    }
  };
  visit('');
  return failures;
}

/** Non-blank lines of a file as the harness counts them: `\n` splits, a final `\r` and a BOM on line 1 dropped. */
function nonBlankLines(file: string): Map<number, string> {
  const out = new Map<number, string>();
  fs.readFileSync(file, 'utf8')
    .split('\n')
    .forEach((raw, i) => {
      let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (i === 0 && line.startsWith('\uFEFF')) line = line.slice(1);
      if (!/^[ \t\r\n\uFEFF]*$/.test(line)) out.set(i + 1, line);
    });
  return out;
}

function readJsonl(file: string): Record<string, unknown>[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Every non-blank line of every file read is in the run (its task has an outcome) or in rejected.jsonl, verbatim. */
function lineAccounting(c: CaseRun): string[] {
  const failures: string[] = [];
  const outcomes = new Set(readJsonl(path.join(c.out, 'task_outcomes.jsonl')).map((r) => `${String(r.wave)}\t${String(r.task_id)}`));
  const rejected = readJsonl(path.join(c.out, 'rejected.jsonl'));
  if (c.mode === 'fail' && fs.existsSync(path.join(c.out, 'rejected.jsonl'))) failures.push('rejected.jsonl written in fail mode');
  const inputs = manifestInputs(c.out);
  const byFile = new Map<string, Map<number, string>>();
  for (const r of rejected) {
    const file = String(r.file);
    const record = inputs.find((i) => i.path === file || i.path.endsWith(`${path.sep}${file}`));
    if (record === undefined) {
      failures.push(`rejected.jsonl names ${file}, which was not read`);
      continue;
    }
    const lines = byFile.get(record.path) ?? new Map<number, string>();
    lines.set(Number(r.line), String(r.raw));
    byFile.set(record.path, lines);
  }
  let rejectedRows = 0;
  for (const record of inputs) {
    const lines = nonBlankLines(record.path);
    const bad = byFile.get(record.path) ?? new Map<number, string>();
    rejectedRows += record.rejected_rows;
    const short = path.relative(c.input, record.path);
    if (record.lines !== lines.size) failures.push(`${short}: run.json counts ${record.lines} lines, the file has ${lines.size}`);
    if (record.accepted_rows + record.rejected_rows !== record.lines) failures.push(`${short}: ${record.accepted_rows} accepted + ${record.rejected_rows} rejected != ${record.lines} lines`);
    if (bad.size !== record.rejected_rows) failures.push(`${short}: ${bad.size} lines in rejected.jsonl, run.json says ${record.rejected_rows}`);
    const folderWave = /(?:^|[/\\])wave_(\d+)[/\\]/.exec(short)?.[1];
    for (const [n, text] of lines) {
      const raw = bad.get(n);
      if (raw !== undefined) {
        if (raw !== text) failures.push(`${short}:${n}: rejected.jsonl does not hold the line verbatim`);
        continue;
      }
      let row: Record<string, unknown>;
      try {
        row = JSON.parse(text) as Record<string, unknown>;
      } catch {
        failures.push(`${short}:${n}: neither rejected nor valid JSON`);
        continue;
      }
      const key = `${folderWave ?? String(row.wave)}\t${String(row.task_id)}`;
      if (!outcomes.has(key)) failures.push(`${short}:${n}: accepted, but task ${JSON.stringify(key)} has no outcome`);
    }
  }
  if (rejected.length !== rejectedRows) failures.push(`rejected.jsonl has ${rejected.length} lines, run.json counts ${rejectedRows}`);
  return failures;
}

/** The two output folders hold the same files with the same bytes, run.json aside. */
function sameBytes(a: string, b: string): string[] {
  const files = walk(a).filter((f) => f !== 'run.json');
  const other = walk(b).filter((f) => f !== 'run.json');
  if (files.join('\n') !== other.join('\n')) return ['a rerun wrote other files'];
  return files.filter((f) => !fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f)))).map((f) => `${f}: a rerun wrote other bytes`);
}
