/**
 * `npx tsx scripts/bench-worlds.ts [--rows 1e6] [--repeat N]` (needs GNU time, /usr/bin/time)
 *
 * The replay world against the simulated world (issue 8, "Speed"): on the bench harness's
 * generated tree of N prediction rows (4 agents x 4 waves, `scripts/bench.ts`), writes an
 * outcomes file with one recorded first attempt per prediction row (N rows; success and duration
 * from a hash of the row, so no draw is shared with the world model), then runs the harness as a
 * child process under GNU time with `--world simulated` and with `--world replay --outcomes FILE`,
 * and prints the CPU time (user + system), wall time and peak RSS of each and the ratio of CPU
 * times (target: replay within 1.3x). CPU time, not wall time, is compared: on a shared machine
 * the wall time measures the other processes too. Scratch data lives under `.tmp/bench/`.
 *
 * Exit 0 whatever the figures (a measurement, not a test); 1 when a child failed; 2 on bad arguments.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { median } from 'simple-statistics';
import { ensureInput, parseGnuTimeRss, parseSize, phaseNodeArgs, sizeLabel, type BenchInput } from './bench.ts';

/** The target: the replay world within 1.3x the simulated world's time. */
export const REPLAY_MAX_RATIO = 1.3;

const mb = (bytes: number): string => (bytes / 1e6).toFixed(0);

/**
 * Writes `<dir>/outcomes.jsonl`: one row per prediction row of the tree (attempt 0), success when
 * the first byte of sha256(task/agent) / 256 is below the row's predicted p, duration the row's
 * predicted time x (0.75 + second byte / 512). So the recorded world does about the work the
 * simulated one does (as many failures, so as many circuit openings and reroutes): with a flat
 * 62.5% success and 1 to 33 s durations (the first version), the replay run made 8.7 M reroutes
 * against the simulated run's 3.8 M, and the comparison measured the workloads, not the worlds.
 * @returns the file and its row count
 */
export function writeOutcomes(input: BenchInput, dir: string): { file: string; rows: number } {
  const file = path.join(dir, 'outcomes.jsonl');
  const marker = path.join(dir, 'outcomes.params.json');
  const params = JSON.stringify({ tree: input.treeDir, rows: input.rows, version: 2 });
  if (fs.existsSync(file) && fs.existsSync(marker) && fs.readFileSync(marker, 'utf8') === params) return { file, rows: input.rows };
  fs.rmSync(marker, { force: true });
  const fd = fs.openSync(file, 'w');
  let rows = 0;
  for (const waveDir of fs.readdirSync(input.treeDir).filter((d) => d.startsWith('wave_')).sort()) {
    const wave = Number(waveDir.slice('wave_'.length));
    for (const agentDir of fs.readdirSync(path.join(input.treeDir, waveDir)).sort()) {
      const text = fs.readFileSync(path.join(input.treeDir, waveDir, agentDir, 'predicted_tasks.jsonl'), 'utf8');
      const out: string[] = [];
      for (const line of text.split('\n')) {
        if (line.trim() === '') continue;
        const row = JSON.parse(line) as { task_id: string; agent_id: string; predicted_success_probability: number; predicted_execution_time?: number };
        const h = createHash('sha256').update(`${row.task_id}/${row.agent_id}`).digest();
        const success = (h[0] ?? 0) / 256 < row.predicted_success_probability;
        const durationS = Math.round((row.predicted_execution_time ?? 30) * (0.75 + (h[1] ?? 0) / 512) * 1000) / 1000;
        out.push(JSON.stringify({ wave, task_id: row.task_id, agent_id: row.agent_id, success, duration_s: durationS }));
        rows++;
      }
      fs.writeSync(fd, `${out.join('\n')}\n`);
    }
  }
  fs.closeSync(fd);
  fs.writeFileSync(marker, params);
  return { file, rows };
}

/** One child run under GNU time: CPU seconds (user + system), wall seconds, peak RSS bytes. */
interface Timed {
  readonly cpuS: number;
  readonly wallS: number;
  readonly rssBytes: number;
  readonly code: number | null;
  readonly stderr: string;
}

/** Runs `node <nodeArgs>` in `cwd` under `/usr/bin/time -v`. */
async function runTimed(nodeArgs: readonly string[], cwd: string, scratch: string): Promise<Timed> {
  const report = path.join(scratch, `time-${process.pid}.txt`);
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-v', '-o', report, process.execPath, ...nodeArgs], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-65536)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  const wallS = (performance.now() - started) / 1000;
  const text = fs.readFileSync(report, 'utf8');
  fs.rmSync(report, { force: true });
  const seconds = (label: string): number => Number(new RegExp(`${label} \\(seconds\\):\\s*([\\d.]+)`).exec(text)?.[1] ?? Number.NaN);
  return { cpuS: seconds('User time') + seconds('System time'), wallS, rssBytes: parseGnuTimeRss(text) ?? 0, code, stderr };
}

async function main(argv: readonly string[]): Promise<number> {
  let values: { rows: string; repeat: string };
  try {
    values = parseArgs({ args: [...argv], strict: true, options: { rows: { type: 'string', default: '1e6' }, repeat: { type: 'string', default: '1' } } }).values;
  } catch (error: unknown) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const rows = parseSize(values.rows);
  const repeat = Number(values.repeat);
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const scratch = path.join(root, '.tmp', 'bench');
  fs.mkdirSync(scratch, { recursive: true });
  const log = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };
  const input = ensureInput(rows, root, scratch, log);
  const outcomes = writeOutcomes(input, path.dirname(input.treeDir));
  log(`${sizeLabel(input.rows)}: ${input.rows} prediction rows, ${outcomes.rows} outcomes rows (${mb(fs.statSync(outcomes.file).size)} MB)`);
  const worlds = { simulated: [] as string[], replay: ['--world', 'replay', '--outcomes', outcomes.file] };
  const figures = new Map<string, { cpu: number[]; wall: number[]; rss: number[] }>();
  for (let i = 1; i <= repeat; i++) {
    for (const [world, extra] of Object.entries(worlds)) {
      const out = path.join(scratch, `worlds-out-${world}`);
      const rep = path.join(scratch, `worlds-rep-${world}`);
      for (const dir of [out, rep]) fs.rmSync(dir, { recursive: true, force: true });
      const run = await runTimed([...phaseNodeArgs(root), '--input', input.treeDir, '--agents-file', input.agentsFile, '--out', out, '--report-dir', rep, '--quiet', ...extra], root, scratch);
      if (run.code !== 0) {
        log(`${world} exited with ${run.code}\n${run.stderr}`);
        return 1;
      }
      const f = figures.get(world) ?? { cpu: [], wall: [], rss: [] };
      f.cpu.push(run.cpuS);
      f.wall.push(run.wallS);
      f.rss.push(run.rssBytes);
      figures.set(world, f);
      log(`${world} run ${i}/${repeat}: ${run.cpuS.toFixed(2)} s CPU, ${run.wallS.toFixed(2)} s wall, ${mb(run.rssBytes)} MB peak RSS`);
      if (world === 'replay') {
        const summary = JSON.parse(fs.readFileSync(path.join(out, 'phase21_execution_summary.json'), 'utf8')) as { totals: { attempts_by_source: Record<string, number> } };
        log(`replay attempts by source: ${JSON.stringify(summary.totals.attempts_by_source)}`);
      }
    }
  }
  const sim = figures.get('simulated');
  const rep = figures.get('replay');
  if (sim === undefined || rep === undefined) return 1;
  const ratio = median(rep.cpu) / median(sim.cpu);
  process.stdout.write(
    [
      '| world | rows | outcomes rows | CPU s | wall s | peak RSS MB |',
      '|---|---:|---:|---:|---:|---:|',
      `| simulated | ${input.rows} | - | ${median(sim.cpu).toFixed(2)} | ${median(sim.wall).toFixed(2)} | ${mb(median(sim.rss))} |`,
      `| replay | ${input.rows} | ${outcomes.rows} | ${median(rep.cpu).toFixed(2)} | ${median(rep.wall).toFixed(2)} | ${mb(median(rep.rss))} |`,
      '',
      `replay / simulated CPU time: ${ratio.toFixed(2)}x (${ratio <= REPLAY_MAX_RATIO ? 'PASS' : 'FAIL'}: target <= ${REPLAY_MAX_RATIO}x)`,
      '',
    ].join('\n'),
  );
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
