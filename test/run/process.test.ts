/**
 * Real processes (contract section 12): SIGKILL at calls of the writing layer
 * (PHASE21_CRASH_AT, read by the CLI entry), and SIGINT/SIGTERM mid-run; then `--resume`
 * writes the bytes of an uninterrupted run. A killed process leaves its lock behind: the next
 * run sees that its process is gone and takes the folder at once.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCK_DIR } from '../../src/io/lock.ts';
import { DEFAULT_OPTIONS } from '../../src/options.ts';
import { countingFs, NODE_OUTPUT_FS } from '../../src/io/output-fs.ts';
import { gridPredictions, PROJECT_ROOT, readJson, removeTempDirs, tempDir, writeAgentsFile, writeTreeInput } from '../e2e/helpers.ts';
import type { RunDirs } from '../e2e/helpers.ts';
import { artifactsOf, freshDirs, leftovers, run, smallOptions, testEnv, writeSmallInput, type SmallInput } from './helpers.ts';

afterAll(removeTempDirs);

/** How a child ended. */
interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/**
 * Runs the CLI as a child (`node --import tsx src/cli/main.ts`) with a minimal environment
 * plus `env`; `onStderr` sees stderr as it comes and may signal the child.
 */
function cli(args: readonly string[], env: Readonly<Record<string, string>> = {}, onStderr?: (text: string, kill: (s: NodeJS.Signals) => void) => void): Promise<Exit> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('src', 'cli', 'main.ts'), ...args], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.tmpdir(), CI: '1', ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      onStderr?.(stderr, (s) => child.kill(s));
    });
    child.on('close', (code, signal) => {
      resolve({ code, signal, stderr });
    });
  });
}

/** The command line of {@link smallOptions}. */
function smallArgs(small: SmallInput, dirs: RunDirs): string[] {
  return [
    '--input', small.input, '--agents-file', small.agents, '--out', dirs.out, '--report-dir', dirs.report,
    '--seed', '5', '--epoch', '2026-02-01T00:00:00.000Z', '--max-attempts', '3', '--breaker', 'consecutive', '--breaker-threshold', '2', '--breaker-cooldown', '40', '--quiet',
  ];
}

describe('SIGKILL at a call of the writing layer, then --resume (real processes)', () => {
  let small: SmallInput;
  let reference = new Map<string, string>();
  let total = 0;

  beforeAll(async () => {
    small = writeSmallInput();
    const dirs = freshDirs();
    await run(smallOptions(small, dirs), testEnv({ outputFs: countingFs(NODE_OUTPUT_FS, () => { total += 1; }) }));
    reference = artifactsOf(dirs);
  });

  it('killed mid-run: the lock is left, --resume takes it and writes the same bytes', async () => {
    for (const at of [Math.floor(total / 2) + 1]) {
      const dirs = freshDirs();
      const killed = await cli(smallArgs(small, dirs), { PHASE21_CRASH_AT: String(at) });
      expect(killed, `PHASE21_CRASH_AT=${at}`).toMatchObject({ code: null, signal: 'SIGKILL' });
      expect(existsSync(path.join(dirs.out, LOCK_DIR)), 'a killed run leaves its lock').toBe(true);
      const resumed = await cli([...smallArgs(small, dirs), '--resume']);
      expect(resumed, resumed.stderr).toMatchObject({ code: 0, signal: null });
      expect(artifactsOf(dirs), `PHASE21_CRASH_AT=${at}`).toEqual(reference);
      expect(leftovers(dirs.out)).toEqual([]);
    }
  }, 60_000);
});

describe('SIGINT and SIGTERM mid-run, then --resume (real processes)', () => {
  let args: (dirs: RunDirs) => string[];
  let reference = new Map<string, string>();

  beforeAll(async () => {
    const root = tempDir('p21-signal-in-');
    const input = path.join(root, 'phase20');
    const agents = path.join(root, 'agents.json');
    // Eight waves, so a signal sent when wave 1 is reported lands well before the last wave.
    writeTreeInput(input, gridPredictions(8, 120, 3, (w, t, a) => 0.6 + 0.04 * ((w + t + a) % 8)));
    writeAgentsFile(agents, [{ agent_id: 'agent_0' }, { agent_id: 'agent_1', reliability_offset: -0.3 }, { agent_id: 'agent_2' }]);
    args = (dirs) => ['--input', input, '--agents-file', agents, '--out', dirs.out, '--report-dir', dirs.report, '--seed', '3', '--epoch', '2026-02-01T00:00:00Z'];
    // The uninterrupted run, in-process with the same options (cheaper than another child).
    const dirs = freshDirs();
    await run({
      ...DEFAULT_OPTIONS,
      input,
      agentsFile: agents,
      out: dirs.out,
      reportDir: dirs.report,
      seed: 3,
      epoch: '2026-02-01T00:00:00.000Z',
      quiet: true,
    });
    reference = artifactsOf(dirs);
  }, 60_000);

  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`${signal}: exit ${code}, run.json canceled after a finished wave; --resume equals an uninterrupted run`, async () => {
      const dirs = freshDirs();
      let sent = false;
      const canceled = await cli(args(dirs), {}, (stderr, kill) => {
        if (!sent && /^wave 1\/8: /m.test(stderr)) {
          sent = true;
          kill(signal);
        }
      });
      expect(canceled.code, canceled.stderr).toBe(code);
      const manifest = readJson(dirs.out, 'run.json');
      expect(manifest).toMatchObject({ status: 'canceled', reason: `canceled by ${signal}; --resume continues it` });
      const finished = manifest.waves_finished as number;
      expect(finished).toBeGreaterThanOrEqual(1);
      expect(finished).toBeLessThan(8);
      expect(readJson(dirs.out, 'checkpoint.json').waves_finished).toBe(finished);
      expect(existsSync(path.join(dirs.out, LOCK_DIR))).toBe(false);
      const resumed = await cli([...args(dirs), '--resume', '--quiet']);
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(artifactsOf(dirs)).toEqual(reference);
      expect(readJson(dirs.out, 'run.json')).toMatchObject({ status: 'completed', resumes: [{ previous_status: 'canceled', from_wave: finished + 1 }] });
    }, 60_000);
  }
});
