import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../src/options.ts';
import { SILENT_PROGRESS } from '../../src/ports.ts';
import { createKeyedRandom } from '../../src/simulate/rng.ts';
import { getWorld } from '../../src/worlds/registry.ts';
import { SubprocessExecutor } from '../../src/worlds/subprocess/executor.ts';
import { LocalCommandRunner } from '../../src/worlds/subprocess/local-runner.ts';
import { NODE_TIMERS, RealTimeScheduler } from '../../src/worlds/subprocess/realtime-scheduler.ts';
import { scaleDelays } from '../../src/worlds/time-scale.ts';
import { pred, profile, task } from '../helpers/builders.ts';
import { gridPredictions, outArgs, PROJECT_ROOT, readJson, removeTempDirs, runCli, runDirs, tempDir, writeAgentsFile, writeTreeInput } from '../e2e/helpers.ts';
import { describeExecutorConformance } from './executor-conformance.ts';
import { isAlive, killLeftovers, pidsIn } from './subprocess-helpers.ts';

const AGENT = path.join(PROJECT_ROOT, 'test', 'worlds', 'subprocess-agent.sh');
const pidDirs: string[] = [];
afterAll(() => {
  for (const dir of pidDirs) killLeftovers(pidsIn(dir));
  removeTempDirs();
});
function pidDir(): string {
  const dir = tempDir('p21-pids-');
  pidDirs.push(dir);
  return dir;
}

const SETTINGS = { command: null, timeoutS: 10, killGraceS: 0.5, maxOutputBytes: 1000, env: {} };

describe('conformance', () => {
  const runners: LocalCommandRunner[] = [];
  const pids = pidDir();
  // The suite builds a scheduler, then the executor on it: the executor takes the real-time one just built.
  let latest: RealTimeScheduler | null = null;
  describeExecutorConformance('subprocess', {
    scheduler: (startS) => (latest = new RealTimeScheduler({ nowMs: () => performance.now(), timers: NODE_TIMERS, startS })),
    executor: (scheduler) => {
      if (latest === null || latest !== scheduler) throw new Error('the executor must run on the scheduler built last');
      const runner = new LocalCommandRunner();
      runners.push(runner);
      return new SubprocessExecutor(runner, latest, new Map([['A', [AGENT]]]), { ...SETTINGS, env: { PIDS: pids, WORK_S: '0.02' } }, new AbortController().signal);
    },
    sources: ['subprocess'],
    deterministic: false,
    // The suite reads the clock just before start(), the executor just after: real time passes.
    toleranceS: 0.05,
    cleanup: async () => {
      await Promise.all(runners.map((r) => r.close()));
    },
  });
});

describe('the subprocess world', () => {
  const plan = { waves: [], agents: [profile('A'), { ...profile('B'), command: ['own-agent'] }], latestTimestamp: null };

  it("takes an agent's own command over the config's, and refuses an agent without one, naming it and the file", async () => {
    const options = { ...DEFAULT_OPTIONS, world: 'subprocess' as const, agentsFile: 'agents.json' };
    await expect(getWorld('subprocess').prepare({ options, plan, progress: SILENT_PROGRESS, runId: () => 'test' })).rejects.toThrow(
      '--world subprocess: no command for agent A: give each a "command": ["program", "arg"] in agents.json, or one for every agent as "subprocess": {"command": [...]} in the --config file',
    );
    const prepared = await getWorld('subprocess').prepare({ options: { ...options, timeScale: 0.5, subprocess: { ...SETTINGS, command: ['shared-agent', '-v'] } }, plan, progress: SILENT_PROGRESS, runId: () => 'test' });
    expect(prepared.detail).toBe('real commands (2 commands), timeout 10 s, kill grace 0.5 s, delays x 0.5');
    expect(prepared.timeScale).toBe(0.5);
  });

  it('closing the world (the path of an exception in the harness) ends a running command and its children', async () => {
    const pids = pidDir();
    const options = { ...DEFAULT_OPTIONS, world: 'subprocess' as const, subprocess: { ...SETTINGS, command: [AGENT], env: { PIDS: pids } } };
    const prepared = await getWorld('subprocess').prepare({ options, plan: { ...plan, agents: [profile('A')] }, progress: SILENT_PROGRESS, runId: () => 'test' });
    const world = prepared.create({ rng: createKeyedRandom(1), startS: 0, signal: undefined });
    world.executor.start({ wave: 1, task: task('t1_1', [pred('A', 0.5, 10)]), agent: profile('A'), attempt: 0, p: 0.5, predictedTimeS: 10 }, () => undefined);
    for (let i = 0; i < 500 && pidsIn(pids).length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(pidsIn(pids)).toHaveLength(2);
    await world.close();
    for (const pid of pidsIn(pids)) expect(isAlive(pid)).toBe(false);
  });

  it('--time-scale multiplies backoff base and cap and the circuit cooldown, nothing else', () => {
    const scaled = scaleDelays(DEFAULT_OPTIONS, 0.01);
    expect(scaled.retry).toEqual({ ...DEFAULT_OPTIONS.retry, baseS: 0.02, capS: 0.6 });
    expect(scaled.breaker).toEqual({ ...DEFAULT_OPTIONS.breaker, cooldownS: 0.6 });
    expect(scaled.gates).toBe(DEFAULT_OPTIONS.gates);
    expect(scaleDelays(DEFAULT_OPTIONS, 1)).toBe(DEFAULT_OPTIONS);
  });
});

describe('a run of real commands (npm run phase -- --world subprocess)', () => {
  it('follows exit codes, keeps and caps output, kills a command past its timeout, runs agents concurrently, and leaves no process', async () => {
    const dirs = runDirs('p21-subprocess-');
    const input = path.join(dirs.root, 'input');
    const pids = pidDir();
    writeTreeInput(input, gridPredictions(1, 12, 2, () => 0.6));
    const agentsFile = path.join(dirs.root, 'agents.json');
    writeAgentsFile(agentsFile, [{ agent_id: 'agent_0', max_concurrency: 3 }, { agent_id: 'agent_1', max_concurrency: 1 }]);
    const config = path.join(dirs.root, 'config.json');
    writeFileSync(config, JSON.stringify({ subprocess: { command: [AGENT], timeout_s: 1, kill_grace_s: 0.2, max_output_bytes: 1000, env: { PIDS: pids } } }));
    const run = await runCli(['--config', config, '--world', 'subprocess', '--input', input, '--agents-file', agentsFile, ...outArgs(dirs), '--strategy', 'round_robin', '--max-attempts', '2', '--retry', 'fixed', '--backoff-base', '10', '--jitter', 'none', '--time-scale', '0.01', '--no-steal', '--min-probability', '0', '--quiet']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);

    type Attempt = { attempt: number; agent_id: string; start_time: string; end_time: string; success: boolean; source: string; exit_code: number | null; signal: string | null; timed_out: boolean; stdout: string; stderr: string; output_truncated: boolean };
    type Row = { task_id: string; status: string; retry_delays_s: number[]; attempt_log: Attempt[] };
    const rows: Row[] = [];
    for (const agent of ['agent_0', 'agent_1']) {
      const text = readFileSync(path.join(dirs.out, 'wave_1', `agent_${agent.slice(6)}`, 'executed_tasks.jsonl'), 'utf8');
      rows.push(...text.trim().split('\n').map((line) => JSON.parse(line) as Row));
    }
    expect(rows).toHaveLength(12);
    for (const row of rows) {
      const n = Number(row.task_id.split('_')[1]);
      const [first, second] = row.attempt_log;
      if (first === undefined) throw new Error(`no attempt for ${row.task_id}`);
      expect(first.source).toBe('subprocess');
      // Every attempt's outcome is its command's exit: 0 for even tasks, 3 for odd ones (t1_1 times out).
      for (const a of row.attempt_log) expect(a.success).toBe(a.exit_code === 0 && !a.timed_out);
      if (row.task_id === 't1_1') {
        expect(first).toMatchObject({ success: false, exit_code: null, signal: 'SIGTERM', timed_out: true });
        expect(ms(first.end_time) - ms(first.start_time)).toBeGreaterThanOrEqual(1000);
      } else {
        expect(first.exit_code).toBe(n % 2 === 0 ? 0 : 3);
        expect(first.timed_out).toBe(false);
      }
      expect(row.status).toBe(n % 2 === 0 ? 'succeeded' : 'failed');
      if (row.task_id === 't1_2') {
        expect(first.stdout).toBe('0'.repeat(1000));
        expect(first.output_truncated).toBe(true);
      } else if (row.task_id !== 't1_1') {
        expect(first.stdout).toBe(`ran ${row.task_id}\n`);
        expect(first.stderr).toBe(n % 2 === 0 ? '' : `task ${row.task_id} failed\n`);
      }
      if (second !== undefined) {
        // The retry waited the scaled delay (10 s x 0.01), as retry_delays_s says.
        expect(row.retry_delays_s).toEqual([0.1]);
        expect(ms(second.start_time) - ms(first.end_time)).toBeGreaterThanOrEqual(100);
      }
    }
    // Real concurrency: agent_0 ran up to 3 attempts at once, agent_1 never more than 1.
    const overlap = (agent: string): number => maxOverlap(rows.flatMap((r) => r.attempt_log).filter((a) => a.agent_id === agent));
    expect(overlap('agent_0')).toBe(3);
    expect(overlap('agent_1')).toBe(1);
    expect(readJson(dirs.out, 'run.json')).toMatchObject({ status: 'completed', options: { world: 'subprocess', time_scale: 0.01 } });
    const all = pidsIn(pids);
    expect(all.length).toBeGreaterThanOrEqual(13);
    for (const pid of all) expect(isAlive(pid)).toBe(false);
  });
});

const ms = (iso: string): number => Date.parse(iso);

/** The most intervals [start, end) open at one instant. */
function maxOverlap(attempts: readonly { start_time: string; end_time: string }[]): number {
  const points = attempts.flatMap((a) => [[ms(a.start_time), 1], [ms(a.end_time), -1]] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let open = 0;
  let most = 0;
  for (const [, step] of points) {
    open += step;
    most = Math.max(most, open);
  }
  return most;
}
