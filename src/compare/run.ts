/**
 * `npm run compare -- A B` end to end (contract section 13): check both folders and `--out`,
 * read both runs (A's task outcomes into a compact table, B's streamed past it), build the
 * comparison, and write `comparison.json` and `comparison.md` into `--out`. Nothing is written
 * unless both runs read cleanly.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InputError, UsageError, type Diagnostic } from '../errors.ts';
import { MANIFEST } from '../io/output-dir.ts';
import type { Comparison } from '../schema/comparison.ts';
import { jsonDocument } from '../util/json.ts';
import { buildComparison } from './compare.ts';
import type { CompareSettings } from './gate.ts';
import { renderComparisonMarkdown } from './markdown.ts';
import { OutcomeTable, Pairing } from './outcomes.ts';
import { checkRunFolder, readOutcomes, readRunDocuments, type Read, type RunDocuments } from './read.ts';
import { writeFileAtomically } from '../io/atomic.ts';

/** File names written into `--out`. */
export const COMPARISON_FILES = { json: 'comparison.json', markdown: 'comparison.md' } as const;

/** What to compare and where to write. Paths as the user gave them. */
export interface CompareRequest {
  /** The baseline run's output folder. */
  readonly a: string;
  /** The candidate run's output folder. */
  readonly b: string;
  /** Folder for comparison.json and comparison.md; created when missing. */
  readonly out: string;
  readonly settings: CompareSettings;
}

/** What a comparison produced. */
export interface CompareOutcome {
  readonly comparison: Comparison;
  /** The text of comparison.json (also what `--json` prints). */
  readonly json: string;
  /** The files written, as `--out` joined with their names. */
  readonly files: readonly string[];
  /** 1 when the regression gate fired, else 0. */
  readonly exitCode: 0 | 1;
}

/**
 * Compares run B with baseline run A and writes the comparison.
 *
 * @throws UsageError (exit 2) when A or B is missing, a file, or has no run.json, or when
 *   `--out` is A, B, inside either, a file, or another run's output folder
 * @throws InputError (exit 2) with every problem found in the two runs' files (a dry run, an
 *   unfinished or canceled run, a missing or malformed artifact, a task_outcomes.jsonl without
 *   the contract's columns); nothing is written then
 */
export async function compareRuns(request: CompareRequest): Promise<CompareOutcome> {
  checkRunFolder(request.a, 'A');
  checkRunFolder(request.b, 'B');
  checkCompareOut(request.out, request.a, request.b);
  const docsA = readRunDocuments(request.a);
  const docsB = readRunDocuments(request.b);
  if (docsA.kind === 'invalid' || docsB.kind === 'invalid') {
    const diagnostics = [...invalid(docsA), ...invalid(docsB)];
    throw new InputError(problemCount(diagnostics.length), diagnostics);
  }
  const tableA = new OutcomeTable();
  const readA = await readOutcomes(request.a, (row) => tableA.add(row) !== null);
  const pairing = new Pairing(tableA);
  const readB = await readOutcomes(request.b, (row) => pairing.add(row));
  if (readA.problems + readB.problems > 0) throw new InputError(problemCount(readA.problems + readB.problems), [...readA.diagnostics, ...readB.diagnostics]);
  const comparison = buildComparison({ documents: docsA.value, tasks: readA.rows }, { documents: docsB.value, tasks: readB.rows }, pairing.finish(), request.settings);
  const json = jsonDocument(comparison);
  const markdown = renderComparisonMarkdown(comparison);
  fs.mkdirSync(request.out, { recursive: true });
  const files = [writeFileAtomically(request.out, COMPARISON_FILES.json, json), writeFileAtomically(request.out, COMPARISON_FILES.markdown, markdown)];
  return { comparison, json, files, exitCode: comparison.regression_gate.exit_code };
}

function invalid(read: Read<RunDocuments>): readonly Diagnostic[] {
  return read.kind === 'invalid' ? read.diagnostics : [];
}

function problemCount(n: number): string {
  return `${n} problem${n === 1 ? '' : 's'} in the runs to compare`;
}

/**
 * Checks that `out` may receive the comparison files: not A or B or a folder inside either
 * (a rerun of that run would delete it), not a file, and not another run's output folder.
 * @throws UsageError `--out: <problem>`
 */
export function checkCompareOut(out: string, a: string, b: string): void {
  const target = realish(out);
  for (const [label, dir] of [['A', a], ['B', b]] as const) {
    const run = realish(dir);
    const rel = path.relative(run, target);
    if (rel === '') throw new UsageError(`--out: ${out} is run ${label} itself; choose another folder (a rerun of ${label} rebuilds it)`);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) throw new UsageError(`--out: ${out} is inside run ${label} (${dir}), which a rerun rebuilds; choose another folder`);
  }
  if (!fs.existsSync(out)) return;
  if (!fs.statSync(out).isDirectory()) throw new UsageError(`--out: ${out} exists and is not a folder`);
  if (fs.existsSync(path.join(out, MANIFEST))) throw new UsageError(`--out: ${out} is a Phase 21 output folder (it holds ${MANIFEST}), which a rerun rebuilds; choose another folder`);
}

/** The real path of `p`, or of its nearest existing parent joined with the rest. */
function realish(p: string): string {
  const absolute = path.resolve(p);
  let existing = absolute;
  const restParts: string[] = [];
  while (!fs.existsSync(existing)) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    restParts.unshift(path.basename(existing));
    existing = parent;
  }
  return path.join(fs.realpathSync(existing), ...restParts);
}

