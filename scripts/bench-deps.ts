/**
 * `npm run bench:deps -- [--rows 1e6] [--repeat 3] [--no-run]`
 *
 * What dependencies cost the loader (contract section 10, issue 7): generates the same Phase 20
 * data with and without `depends_on` (each task on up to 3 earlier tasks of its wave,
 * `npm run generate -- --dependencies 3`) in two shapes, 4 waves x 4 agents (the shape of
 * `npm run bench`) and 1 wave x 1 agent (10^6 tasks in one graph), then times, each in a fresh
 * child process, `loadInput` (read, validate, check the dependencies, build the plan with its
 * topological orders) and, unless `--no-run`, a whole `phase` run. Prints the medians and the
 * ratio with / without. Scratch data under `.tmp/bench-deps/`. Exit 0 whatever the figures.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import { DEFAULT_BASE_TIME } from '../src/generate/phase20.ts';
import { prepareOutDir, writePhase20 } from '../src/generate/write-tree.ts';
import { loadInput } from '../src/io/load.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCRATCH = path.join(ROOT, '.tmp', 'bench-deps');

interface Shape {
  readonly name: string;
  readonly waves: number;
  readonly agents: number;
}

const SHAPES: readonly Shape[] = [
  { name: '4 waves x 4 agents', waves: 4, agents: 4 },
  { name: '1 wave x 1 agent', waves: 1, agents: 1 },
];

/** Child mode: load `dir` once and print `{"load_s", "edges", "rss_mb"}`. */
async function child(dir: string): Promise<void> {
  const started = performance.now();
  const loaded = await loadInput({ input: dir, agentsFile: null, waves: null, onInvalid: 'fail' });
  const loadS = (performance.now() - started) / 1000;
  const edges = loaded.plan.waves.reduce((n, w) => n + w.tasks.reduce((m, t) => m + t.dependsOn.length, 0), 0);
  const rssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ load_s: loadS, edges, rss_mb: rssMb })}\n`);
}

function timeLoad(dir: string): { readonly loadS: number; readonly edges: number; readonly rssMb: number } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', dir], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`load child failed: ${result.stderr}`);
  const parsed = JSON.parse(result.stdout.trim()) as { load_s: number; edges: number; rss_mb: number };
  return { loadS: parsed.load_s, edges: parsed.edges, rssMb: parsed.rss_mb };
}

function timeRun(dir: string): number {
  const out = path.join(SCRATCH, 'run-out');
  fs.rmSync(out, { recursive: true, force: true });
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'phase', '--input', dir, '--out', out, '--report-dir', out, '--quiet'],
    { cwd: ROOT, encoding: 'utf8' },
  );
  const wallS = (performance.now() - started) / 1000;
  if (result.status !== 0 && result.status !== 1) throw new Error(`phase run failed (${String(result.status)}): ${result.stderr}`);
  return wallS;
}

async function main(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: { rows: { type: 'string' }, repeat: { type: 'string' }, 'no-run': { type: 'boolean' }, child: { type: 'string' } },
  });
  if (values.child !== undefined) {
    await child(values.child);
    return 0;
  }
  const rows = Number(values.rows ?? '1e6');
  const repeat = Number(values.repeat ?? '3');
  if (!Number.isSafeInteger(rows) || rows < 16 || !Number.isSafeInteger(repeat) || repeat < 1) {
    process.stderr.write('bench:deps: --rows must be an integer >= 16 and --repeat an integer >= 1\n');
    return 2;
  }
  const lines: string[] = ['| shape | depends_on | edges | load s | load RSS MB | run wall s |', '|---|---|---:|---:|---:|---:|'];
  for (const shape of SHAPES) {
    const figures: { load: number; run: number }[] = [];
    for (const k of [0, 3]) {
      const dir = path.join(SCRATCH, `${shape.waves}w${shape.agents}a-${rows}-k${k}`);
      if (!fs.existsSync(path.join(dir, 'wave_1'))) {
        prepareOutDir(dir);
        writePhase20({ waves: shape.waves, tasks: Math.floor(rows / (shape.waves * shape.agents)), agents: shape.agents, seed: 20, baseTime: DEFAULT_BASE_TIME, dependencies: k }, 'tree', dir);
      }
      const loads = Array.from({ length: repeat }, () => timeLoad(dir));
      const runs = values['no-run'] === true ? [] : Array.from({ length: repeat }, () => timeRun(dir));
      const load = median(loads.map((l) => l.loadS));
      const run = runs.length === 0 ? Number.NaN : median(runs);
      figures.push({ load, run });
      const rss = median(loads.map((l) => l.rssMb));
      lines.push(`| ${shape.name}, ${rows.toLocaleString('en-US')} rows | ${k === 0 ? 'none' : `up to ${k}`} | ${(loads[0]?.edges ?? 0).toLocaleString('en-US')} | ${load.toFixed(2)} | ${rss.toFixed(0)} | ${Number.isNaN(run) ? '-' : run.toFixed(2)} |`);
      process.stderr.write(`${lines[lines.length - 1] ?? ''}\n`);
    }
    const [without, withDeps] = figures;
    if (without !== undefined && withDeps !== undefined) {
      process.stderr.write(`${shape.name}: load ${(withDeps.load / without.load).toFixed(2)}x, run ${(withDeps.run / without.run).toFixed(2)}x with dependencies\n`);
    }
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) process.exitCode = await main(process.argv.slice(2));
