/**
 * One fuzz case: built from (seed, index) alone, so any case can be replayed; run in-process
 * through the CLI's `main()` with fake streams; checked against the properties of issue 5 (see
 * {@link checkCase} in `check.ts`).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../src/cli/main.ts';
import { STRATEGY_NAMES } from '../../src/options.ts';
import { checkCase, snapshot } from './check.ts';
import { LAYOUT_MUTATIONS } from './layout-mutations.ts';
import { BYTE_MUTATIONS, LINE_MUTATIONS, type Mutation, type MutationContext } from './mutations.ts';
import { baseTrees, cloneTree, Rand, writeTree, type FuzzTree } from './tree.ts';

/** Every mutation kind; links and named pipes only off Windows. */
export const MUTATIONS: readonly Mutation[] = [...LINE_MUTATIONS, ...BYTE_MUTATIONS, ...LAYOUT_MUTATIONS].filter((m) => m.posixOnly !== true || process.platform !== 'win32');

/** A case, as built by {@link makeCase}. */
export interface FuzzCase {
  readonly seed: string;
  readonly index: number;
  readonly base: string;
  readonly mode: 'fail' | 'quarantine';
  readonly strategy: string;
  /** `name: what it did`, in order. */
  readonly mutations: readonly string[];
  readonly tree: FuzzTree;
  readonly argv: readonly string[];
  readonly agents: string | null;
}

/** What running a case gave. */
export interface CaseResult {
  readonly code: number;
  readonly stderr: string;
  /** Every property the case broke; empty when it passed. */
  readonly failures: readonly string[];
  /** Quarantine-mode runs whose every line was accounted for. */
  readonly accounted: boolean;
}

/**
 * The case `index` of `seed`: a base (`sample`, `sample-flat`, `stock-3w` when present), a mode,
 * a strategy and one to three mutations, every choice drawn from `Rand(seed/index)`.
 */
export function makeCase(seed: string, index: number): FuzzCase {
  const rand = new Rand(`${seed}/${index}`);
  const bases = baseTrees();
  const base = rand.pick([...bases.keys()]);
  const tree = cloneTree(bases.get(base) ?? { layout: 'tree', files: new Map(), links: new Map(), fifos: new Set(), dirs: new Set() });
  const context: MutationContext = { tree, rand, argv: [], agents: null };
  const mutations: string[] = [];
  for (let n = rand.int(1, 3); n > 0; n--) {
    const mutation = rand.pick(MUTATIONS);
    const what = mutation.apply(context);
    mutations.push(`${mutation.name}: ${what ?? '(nothing to change)'}`);
  }
  return {
    seed,
    index,
    base,
    mode: rand.chance(0.6) ? 'quarantine' : 'fail',
    strategy: rand.pick(STRATEGY_NAMES),
    mutations,
    tree,
    argv: context.argv,
    agents: context.agents,
  };
}

/** The case in a few lines, to print with a failure: how to replay it and what it did. */
export function describeCase(c: FuzzCase): string {
  return [
    `case ${c.index} of seed ${JSON.stringify(c.seed)} (replay: npm run fuzz -- --seed ${c.seed} --case ${c.index} --keep)`,
    `  base ${c.base}, --on-invalid ${c.mode}, --strategy ${c.strategy}${c.argv.length > 0 ? `, ${c.argv.join(' ')}` : ''}`,
    ...c.mutations.map((m) => `  ${JSON.stringify(m).slice(1, -1)}`),
  ].join('\n');
}

/**
 * A fresh folder for fuzz cases: in `/dev/shm` (memory) where it exists and is writable, since
 * a case writes and removes some 40 files and a disk file system makes that 4 times slower;
 * else under `os.tmpdir()`. The caller removes it.
 */
export function fuzzRoot(): string {
  const shm = '/dev/shm';
  try {
    fs.accessSync(shm, fs.constants.W_OK);
    return fs.mkdtempSync(path.join(shm, 'p21-fuzz-'));
  } catch {
    return fs.mkdtempSync(path.join(os.tmpdir(), 'p21-fuzz-'));
  }
}

function mkfifo(file: string): void {
  execFileSync('mkfifo', [file]);
}

/** Collects what `main` writes. */
function collector(): { readonly stream: { write(text: string): boolean }; text(): string } {
  const parts: string[] = [];
  return { stream: { write: (text: string) => parts.push(text) > 0 }, text: () => parts.join('') };
}

/**
 * Writes the case under `root` (`input/`, `outside/`, `agents.json`), runs the CLI in-process
 * with `--out root/out --report-dir root/report`, and checks it ({@link checkCase}). Leaves
 * `root` in place; the caller removes it.
 */
export async function runCase(c: FuzzCase, root: string): Promise<CaseResult> {
  const input = path.join(root, 'input');
  const out = path.join(root, 'out');
  const report = path.join(root, 'report');
  writeTree(c.tree, input, path.join(root, 'outside'), mkfifo);
  const agentsArgs: string[] = [];
  if (c.agents !== null) {
    fs.writeFileSync(path.join(root, 'agents.json'), c.agents);
    agentsArgs.push('--agents-file', path.join(root, 'agents.json'));
  }
  const before = snapshot(root);
  const argv = ['--input', input, '--out', out, '--report-dir', report, '--on-invalid', c.mode, '--strategy', c.strategy, ...agentsArgs, ...c.argv];
  const run = async (outDir: string, reportDir: string): Promise<{ code: number; stdout: string; stderr: string }> => {
    const stdout = collector();
    const stderr = collector();
    const args = argv.map((a) => (a === out ? outDir : a === report ? reportDir : a));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        resolve(-1);
      }, 60_000);
    });
    const code = await Promise.race([main(args, { stdout: stdout.stream, stderr: stderr.stream, env: {}, isTTY: false, now: () => 0 }), timeout]);
    clearTimeout(timer);
    return { code, stdout: stdout.text(), stderr: stderr.text() };
  };
  const first = await run(out, report);
  // Every eighth case that ran is run again into a second folder: the same bytes (but run.json).
  const again = first.code === 0 && c.index % 8 === 0 ? await run(path.join(root, 'out2'), path.join(root, 'report2')) : null;
  return checkCase({ root, input, out, report, mode: c.mode, before, run: first, again });
}
