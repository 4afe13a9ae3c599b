/**
 * `npm run bench -- [--sizes 1e4,1e5,1e6] [--repeat N] [--rss auto|time|probe] [--profile]`
 *
 * Measures the harness (`src/cli/main.ts`) on generated Phase 20 trees of 10^4, 10^5 and 10^6
 * prediction rows (4 agents x 4 waves), each run as a child process, beside the I/O floor of the
 * same data (`scripts/bench-io-floor.ts`: parse the input, write as many output lines, nothing
 * else). Prints rows/s, wall time and peak RSS per size, PASS/FAIL against the issue's two
 * targets, and a Markdown table for BENCHMARKS.md. Scratch data lives under `.tmp/bench/`.
 *
 * Exit 0 whatever the figures (it is a measurement, not a test); 1 when a child crashed or the
 * generator failed; 2 on bad arguments.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import { DEFAULT_BASE_TIME, type GeneratorConfig } from '../src/generate/phase20.ts';
import { prepareOutDir, writeAgentsFile, writePhase20, type WriteSummary } from '../src/generate/write-tree.ts';
import { formatProfile, profileHarness } from './bench-profile.ts';
import { buildCli, bundleScript } from './build.ts';

/** The bundled I/O floor (scripts/bench-io-floor.ts), run as `node <it>`. */
const floorScript = (scratch: string): string => path.join(scratch, 'floor.mjs');

/** How peak RSS is read: GNU `/usr/bin/time -v`, or the child's own `process.resourceUsage()`. */
export type RssSource = 'time' | 'probe';

/** Parsed command line. */
export interface BenchArgs {
  /** Requested prediction rows per size, ascending order as given. */
  readonly sizes: readonly number[];
  /** Runs per size; the median is reported. Integer >= 1. */
  readonly repeat: number;
  readonly rss: RssSource | 'auto';
  /** Also run the harness once per size under `--cpu-prof` and summarise where time goes. */
  readonly profile: boolean;
  /** Add 10^7 rows to the default sizes (minutes, and 4.4 GB of generated input). */
  readonly large: boolean;
  readonly help: boolean;
}

/**
 * The targets of issue 10 (contract section 15): 10^4 rows under 0.3 s and 10^5 under 0.9 s
 * wall, start-up included; 10^6 rows within 1.5x the floor's wall time; 10^7 rows under 1 GB
 * (10^9 bytes) peak RSS; time per row within +-20% from 10^5 rows up (of the mean over the sizes).
 */
export const TARGETS = { smallRows: 10_000, smallMaxS: 0.3, wallRows: 100_000, wallMaxS: 0.9, ratioRows: 1_000_000, ratioMax: 1.5, rssRows: 10_000_000, rssMaxBytes: 1e9, perRowFromRows: 100_000, perRowSpread: 0.2 } as const;

/** Each task of a bench tree depends on up to this many earlier tasks of its wave (`--dependencies`). */
export const BENCH_DEPENDENCIES = 3;

/** Agents of every generated tree, and the fewest waves (the issue's trees: 4 waves, 4 agents). */
export const BENCH_AGENTS = 4;
export const BENCH_WAVES = 4;
/**
 * The most tasks a bench wave holds (the 10^6-row tree's waves). Larger sizes get more waves of
 * this size (10^7 rows: 40 waves), because the engine's work grows faster than a wave: every
 * circuit opening reroutes the agent's whole queue (contract section 4.5), openings grow with a
 * wave's attempts and queues with its length, so reroutes per task grow with the wave (1.7 at
 * 6,250 tasks, 15 at 62,500); four waves of 625,000 tasks would log some 4 x 10^8 reroutes.
 */
export const MAX_BENCH_TASKS_PER_WAVE = 62_500;

/** Waves and tasks per wave of the bench tree of `rows` prediction rows. */
export function benchShape(rows: number): { readonly waves: number; readonly tasks: number } {
  const waves = Math.max(BENCH_WAVES, Math.ceil(rows / (BENCH_AGENTS * MAX_BENCH_TASKS_PER_WAVE)));
  return { waves, tasks: Math.round(rows / (BENCH_AGENTS * waves)) };
}
const BENCH_SEED = 20;

export const USAGE = `Usage: npm run bench -- [options]

Runs the harness on generated Phase 20 trees (4 agents, 4 waves of up to 62,500 tasks, more
waves of that size beyond 10^6 rows) and reports rows/s, peak RSS and reroutes per task per
size beside the I/O floor (parse the input, write as many lines; no simulation).

Options:
  --sizes LIST    prediction rows per size, comma-separated (default 1e4,1e5,1e6)
  --large         also 1e7 rows (takes minutes; 4.4 GB of input under .tmp/bench)
  --repeat N      runs per size, median reported (default 1)
  --rss SOURCE    time (GNU /usr/bin/time -v), probe (child's process.resourceUsage) or
                  auto (time when it works here, else probe); default auto
  --profile       also run the harness once per size with node --cpu-prof and print the
                  top self-time by stage, file and function (profiles in .tmp/bench/prof-N)
  -h, --help      show this help

Scratch data: .tmp/bench/ (trees are reused when their parameters match).
`;

/**
 * Parses a size: a positive integer in any form `Number` reads (`1e5`, `100000`), at least 16.
 * @throws Error naming the bad text.
 */
export function parseSize(text: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isSafeInteger(value) || value < BENCH_AGENTS * BENCH_WAVES) {
    throw new Error(`--sizes: ${JSON.stringify(text)} is not an integer >= ${BENCH_AGENTS * BENCH_WAVES}`);
  }
  return value;
}

/** Parses the arguments after `bench.ts`. @throws Error on an unknown option or a bad value. */
export function parseBenchArgs(argv: readonly string[]): BenchArgs {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      sizes: { type: 'string' },
      repeat: { type: 'string' },
      rss: { type: 'string' },
      profile: { type: 'boolean' },
      large: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const sizes = (values.sizes ?? (values.large === true ? '1e4,1e5,1e6,1e7' : '1e4,1e5,1e6')).split(',').map(parseSize);
  const repeat = Number(values.repeat ?? '1');
  if (!Number.isSafeInteger(repeat) || repeat < 1) throw new Error(`--repeat must be an integer >= 1, got ${JSON.stringify(values.repeat)}`);
  const rss = values.rss ?? 'auto';
  if (rss !== 'auto' && rss !== 'time' && rss !== 'probe') throw new Error(`--rss must be auto, time or probe, got ${JSON.stringify(rss)}`);
  return { sizes, repeat, rss, profile: values.profile === true, large: values.large === true, help: values.help === true };
}

/** `1e5` for powers of ten, else the number: a size's label in folder names and tables. */
export function sizeLabel(rows: number): string {
  const exp = Math.log10(rows);
  return Number.isInteger(exp) && exp >= 1 ? `1e${exp}` : String(rows);
}

/** Peak RSS in bytes from GNU time's `-v` report (`Maximum resident set size (kbytes): N`, KiB), or null. */
export function parseGnuTimeRss(report: string): number | null {
  const match = /Maximum resident set size \(kbytes\):\s*(\d+)/.exec(report);
  return match?.[1] === undefined ? null : Number(match[1]) * 1024;
}

/** A preloaded module that writes the process's peak RSS (bytes) to `$BENCH_RSS_FILE` at exit. */
const RSS_PROBE = `data:text/javascript,${encodeURIComponent(
  'import{writeFileSync}from"node:fs";process.on("exit",()=>{const f=process.env.BENCH_RSS_FILE;if(f)writeFileSync(f,String(process.resourceUsage().maxRSS*1024));});',
)}`;

/**
 * The node arguments of `npm run phase` (package.json's `phase` script without its leading
 * `node`), so the benchmark measures the harness exactly as users run it, V8 flags included.
 * @throws Error when the script does not start with `node `
 */
export function phaseNodeArgs(root: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts?: Record<string, string> };
  const script = pkg.scripts?.phase ?? '';
  const words = script.trim().split(/\s+/);
  if (words[0] !== 'node') throw new Error(`package.json's phase script must start with "node ": ${script}`);
  return words.slice(1);
}

/** One child run: wall seconds (spawn to exit, measured here), peak RSS bytes, its output. */
export interface ChildRun {
  readonly wallS: number;
  readonly rssBytes: number;
  readonly code: number | null;
  readonly stdout: string;
  /** The last 64 KiB of stderr. */
  readonly stderr: string;
}

/** True when GNU time's `-v -o FILE` works here and reports a peak RSS. */
export function gnuTimeWorks(scratch: string): boolean {
  if (!fs.existsSync('/usr/bin/time')) return false;
  const file = path.join(scratch, 'time-check.txt');
  const result = spawnSync('/usr/bin/time', ['-v', '-o', file, process.execPath, '-e', '0'], { stdio: 'ignore' });
  const ok = result.status === 0 && fs.existsSync(file) && parseGnuTimeRss(fs.readFileSync(file, 'utf8')) !== null;
  fs.rmSync(file, { force: true });
  return ok;
}

/**
 * Runs `node <nodeArgs>` in `cwd` and measures it.
 * @throws Error when neither source yields a peak RSS.
 */
export async function runMeasured(nodeArgs: readonly string[], cwd: string, rss: RssSource, scratch: string): Promise<ChildRun> {
  const rssFile = path.join(scratch, `rss-${process.pid}.txt`);
  fs.rmSync(rssFile, { force: true });
  const [command, args] =
    rss === 'time'
      ? ['/usr/bin/time', ['-v', '-o', rssFile, process.execPath, ...nodeArgs]]
      : [process.execPath, ['--import', RSS_PROBE, ...nodeArgs]];
  const started = performance.now();
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, BENCH_RSS_FILE: rssFile } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-65536)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (c) => {
      resolve(c);
    });
  });
  const wallS = (performance.now() - started) / 1000;
  const report = fs.existsSync(rssFile) ? fs.readFileSync(rssFile, 'utf8') : '';
  fs.rmSync(rssFile, { force: true });
  const rssBytes = rss === 'time' ? parseGnuTimeRss(report) : Number(report.trim()) || null;
  if (rssBytes === null && code === 0) throw new Error(`no peak RSS from ${rss} for node ${nodeArgs.join(' ')}`);
  return { wallS, rssBytes: rssBytes ?? 0, code, stdout, stderr };
}

/** A generated input ready for the harness. */
export interface BenchInput {
  readonly rows: number;
  readonly tasks: number;
  readonly treeDir: string;
  readonly agentsFile: string;
  readonly summary: WriteSummary;
  readonly reused: boolean;
}

/** SHA-256 of the generator's source files, so a changed generator regenerates the trees. */
function generatorFingerprint(root: string): string {
  const hash = createHash('sha256');
  for (const file of ['src/generate/phase20.ts', 'src/generate/write-tree.ts']) hash.update(fs.readFileSync(path.join(root, file)));
  return hash.digest('hex');
}

/**
 * Generates (or reuses) the tree for `rows` requested rows under `<scratch>/in-<label>/`:
 * `tree/` (the Phase 20 tree), `agents.json` (the generator's profiles) and `params.json`, the
 * marker written last, holding the parameters, the generator's fingerprint and the write summary.
 * Tasks per wave = round(rows / 16), so the real row count is a multiple of 16.
 */
export function ensureInput(rows: number, root: string, scratch: string, log: (line: string) => void): BenchInput {
  const { waves, tasks } = benchShape(rows);
  const config: GeneratorConfig = { waves, tasks, agents: BENCH_AGENTS, seed: BENCH_SEED, baseTime: DEFAULT_BASE_TIME, dependencies: BENCH_DEPENDENCIES, capabilities: true };
  const dir = path.join(scratch, `in-${sizeLabel(rows)}`);
  const treeDir = path.join(dir, 'tree');
  const agentsFile = path.join(dir, 'agents.json');
  const marker = path.join(dir, 'params.json');
  const params = { config, layout: 'tree', generator: generatorFingerprint(root) };
  if (fs.existsSync(marker) && fs.existsSync(treeDir) && fs.existsSync(agentsFile)) {
    const saved = JSON.parse(fs.readFileSync(marker, 'utf8')) as { params?: unknown; summary?: WriteSummary };
    if (JSON.stringify(saved.params) === JSON.stringify(params) && saved.summary !== undefined) {
      return { rows: tasks * BENCH_AGENTS * waves, tasks, treeDir, agentsFile, summary: saved.summary, reused: true };
    }
  }
  fs.rmSync(marker, { force: true });
  log(`generating ${sizeLabel(rows)}: ${waves} waves x ${tasks} tasks x ${BENCH_AGENTS} agents -> ${treeDir}`);
  prepareOutDir(treeDir);
  const summary = writePhase20(config, 'tree', treeDir);
  writeAgentsFile(agentsFile, BENCH_AGENTS);
  fs.writeFileSync(marker, `${JSON.stringify({ params, summary }, null, 2)}\n`);
  return { rows: summary.predictionRows, tasks, treeDir, agentsFile, summary, reused: false };
}

/** Lines (newline-terminated, plus an unterminated last line) and bytes of every `.jsonl` under `dir`. */
export function countJsonlOutput(dir: string): { lines: number; bytes: number; files: number } {
  const totals = { lines: 0, bytes: 0, files: 0 };
  const buffer = Buffer.alloc(1 << 20);
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.jsonl')) continue;
    totals.files++;
    const fd = fs.openSync(path.join(entry.parentPath, entry.name), 'r');
    try {
      let last = 0x0a;
      for (let n = fs.readSync(fd, buffer); n > 0; n = fs.readSync(fd, buffer)) {
        totals.bytes += n;
        for (let i = buffer.indexOf(0x0a); i !== -1 && i < n; i = buffer.indexOf(0x0a, i + 1)) totals.lines++;
        last = buffer[n - 1] ?? 0x0a;
      }
      if (last !== 0x0a) totals.lines++;
    } finally {
      fs.closeSync(fd);
    }
  }
  return totals;
}

/** Medians over the repeats of one size. RSS in bytes, wall in seconds. */
export interface SizeResult {
  readonly rows: number;
  /** Reroutes per task of the harness's run (phase21_execution_summary.json totals). */
  readonly reroutesPerTask: number;
  readonly outLines: number;
  readonly outBytes: number;
  readonly wallS: number;
  readonly rssBytes: number;
  readonly floorWallS: number;
  readonly floorRssBytes: number;
}

const mb = (bytes: number): string => (bytes / 1e6).toFixed(0);
const grouped = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The Markdown table of BENCHMARKS.md. RSS in MB (10^6 bytes); ratio = harness wall / floor wall. */
export function formatTable(results: readonly SizeResult[]): string {
  const lines = [
    '| rows | rows/s | wall s | us per row | peak RSS MB | floor wall s | floor RSS MB | ratio | reroutes per task |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    const cells = [grouped(r.rows), grouped(r.rows / r.wallS), r.wallS.toFixed(2), ((r.wallS / r.rows) * 1e6).toFixed(1), mb(r.rssBytes), r.floorWallS.toFixed(2), mb(r.floorRssBytes), `${(r.wallS / r.floorWallS).toFixed(2)}x`, r.reroutesPerTask.toFixed(1)];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n');
}

/** One PASS/FAIL line per target; `not measured` when its size was not run. */
export function targetVerdicts(results: readonly SizeResult[]): string[] {
  const at = (rows: number): SizeResult | undefined => results.find((r) => r.rows === rows);
  const verdict = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');
  const missing = (rows: number): string => `not measured (add ${sizeLabel(rows)} to --sizes)`;
  const small = at(TARGETS.smallRows);
  const wall = at(TARGETS.wallRows);
  const ratio = at(TARGETS.ratioRows);
  const rss = at(TARGETS.rssRows);
  const perRow = results.filter((r) => r.rows >= TARGETS.perRowFromRows).map((r) => r.wallS / r.rows);
  const mean = perRow.reduce((sum, x) => sum + x, 0) / perRow.length;
  const spread = perRow.length < 2 ? null : Math.max(...perRow.map((x) => Math.abs(x - mean) / mean));
  return [
    `10^4 rows under ${TARGETS.smallMaxS} s: ${small === undefined ? missing(TARGETS.smallRows) : `${verdict(small.wallS < TARGETS.smallMaxS)} (${small.wallS.toFixed(2)} s)`}`,
    `10^5 rows under ${TARGETS.wallMaxS} s: ${wall === undefined ? missing(TARGETS.wallRows) : `${verdict(wall.wallS < TARGETS.wallMaxS)} (${wall.wallS.toFixed(2)} s)`}`,
    `10^6 rows within ${TARGETS.ratioMax}x the floor: ${ratio === undefined ? missing(TARGETS.ratioRows) : `${verdict(ratio.wallS / ratio.floorWallS <= TARGETS.ratioMax)} (${(ratio.wallS / ratio.floorWallS).toFixed(2)}x)`}`,
    `10^7 rows under 1 GB peak RSS: ${rss === undefined ? `not measured (--large, or add ${sizeLabel(TARGETS.rssRows)} to --sizes)` : `${verdict(rss.rssBytes < TARGETS.rssMaxBytes)} (${mb(rss.rssBytes)} MB)`}`,
    `time per row within +-${TARGETS.perRowSpread * 100}% from 10^5 rows up: ${spread === null ? 'not measured (needs two sizes >= 1e5)' : `${verdict(spread <= TARGETS.perRowSpread)} (largest deviation from the mean ${(spread * 100).toFixed(0)}%)`}`,
  ];
}

/** Reroutes per task of the run in `out`, from its execution summary's totals. */
export function readReroutesPerTask(out: string): number {
  const summary = JSON.parse(fs.readFileSync(path.join(out, 'phase21_execution_summary.json'), 'utf8')) as { totals: { tasks: number; reroutes: number } };
  return summary.totals.tasks === 0 ? 0 : summary.totals.reroutes / summary.totals.tasks;
}

/** A child that exited badly: what to print before exiting 1. */
class ChildFailure extends Error {}

function checkChild(what: string, run: ChildRun): void {
  if (run.code !== 0) throw new ChildFailure(`${what} exited with code ${run.code}\n${run.stderr.trimEnd()}`);
}

/** Measures one size `repeat` times (harness, then floor, each from clean output folders). */
async function benchSize(input: BenchInput, args: BenchArgs, rss: RssSource, root: string, scratch: string, log: (line: string) => void): Promise<SizeResult> {
  const label = sizeLabel(input.rows);
  const out = path.join(scratch, `out-${label}`);
  const rep = path.join(scratch, `rep-${label}`);
  const floorOut = path.join(scratch, `floor-${label}`);
  const walls: number[] = [];
  const rsses: number[] = [];
  const floorWalls: number[] = [];
  const floorRsses: number[] = [];
  let output = { lines: 0, bytes: 0, files: 0 };
  let reroutesPerTask = 0;
  for (let i = 1; i <= args.repeat; i++) {
    for (const dir of [out, rep, floorOut]) fs.rmSync(dir, { recursive: true, force: true });
    const harness = await runMeasured(
      [...phaseNodeArgs(root), '--input', input.treeDir, '--out', out, '--report-dir', rep, '--agents-file', input.agentsFile, '--quiet'],
      root, rss, scratch,
    );
    checkChild(`harness (${label})`, harness);
    output = countJsonlOutput(out);
    reroutesPerTask = readReroutesPerTask(out);
    const floor = await runMeasured(
      [floorScript(scratch), '--input', input.treeDir, '--out', floorOut, '--lines', String(output.lines), '--bytes', String(output.bytes)],
      root, rss, scratch,
    );
    checkChild(`I/O floor (${label})`, floor);
    fs.rmSync(floorOut, { recursive: true, force: true });
    const parsed = (JSON.parse(floor.stdout) as { parsedLines: number }).parsedLines;
    const expected = input.summary.predictionRows + input.summary.scheduleRows;
    if (parsed !== expected) log(`warning: floor parsed ${parsed} lines, the generator wrote ${expected}`);
    walls.push(harness.wallS);
    rsses.push(harness.rssBytes);
    floorWalls.push(floor.wallS);
    floorRsses.push(floor.rssBytes);
    log(
      `${label} run ${i}/${args.repeat}: harness ${harness.wallS.toFixed(2)} s, ${mb(harness.rssBytes)} MB; ` +
        `floor ${floor.wallS.toFixed(2)} s, ${mb(floor.rssBytes)} MB; output ${grouped(output.lines)} lines in ${output.files} .jsonl files (${mb(output.bytes)} MB)`,
    );
  }
  return {
    rows: input.rows, reroutesPerTask, outLines: output.lines, outBytes: output.bytes,
    wallS: median(walls), rssBytes: median(rsses), floorWallS: median(floorWalls), floorRssBytes: median(floorRsses),
  };
}

/** Runs the benchmark; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseBenchArgs(argv);
  } catch (error: unknown) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message.split('\n')[0] : String(error)} (see --help)\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const scratch = path.join(root, '.tmp', 'bench');
  fs.mkdirSync(scratch, { recursive: true });
  const timeOk = gnuTimeWorks(scratch);
  if (args.rss === 'time' && !timeOk) {
    process.stderr.write('bench: --rss time: GNU /usr/bin/time -v does not work here; use --rss probe\n');
    return 2;
  }
  const rss: RssSource = args.rss === 'auto' ? (timeOk ? 'time' : 'probe') : args.rss;
  // The harness runs as `npm run phase` runs it, from dist/cli: built here from the sources;
  // the floor is bundled the same way, so both start as plain node.
  await buildCli(path.join(root, 'dist', 'cli'));
  await bundleScript('scripts/bench-io-floor.ts', floorScript(scratch));
  log(`node ${process.version}, peak RSS from ${rss === 'time' ? '/usr/bin/time -v' : 'process.resourceUsage().maxRSS'}, repeat ${args.repeat}`);
  const results: SizeResult[] = [];
  try {
    for (const size of args.sizes) {
      const input = ensureInput(size, root, scratch, log);
      if (input.reused) log(`reusing ${input.treeDir} (${grouped(input.rows)} rows)`);
      const result = await benchSize(input, args, rss, root, scratch, log);
      results.push(result);
      process.stdout.write(
        `${sizeLabel(result.rows)}: ${grouped(result.rows)} rows, ${grouped(result.rows / result.wallS)} rows/s, ${result.wallS.toFixed(2)} s, peak RSS ${mb(result.rssBytes)} MB | ` +
          `I/O floor ${result.floorWallS.toFixed(2)} s, ${mb(result.floorRssBytes)} MB | harness/floor ${(result.wallS / result.floorWallS).toFixed(1)}x\n`,
      );
      if (args.profile) {
        const label = sizeLabel(input.rows);
        const summary = await profileHarness({
          root, input: input.treeDir, agentsFile: input.agentsFile,
          out: path.join(scratch, `out-${label}`), reportDir: path.join(scratch, `rep-${label}`), profDir: path.join(scratch, `prof-${label}`),
        });
        process.stdout.write(`\nprofile of ${label}:\n${formatProfile(summary)}\n`);
      }
    }
  } catch (error: unknown) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  process.stdout.write(`\n${targetVerdicts(results).join('\n')}\n\n${formatTable(results)}\n`);
  return 0;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) process.exitCode = await main(process.argv.slice(2));
