import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { gridPredictions, outArgs, PROJECT_ROOT, removeTempDirs, runDirs, tempDir, writeAgentsFile, writeTreeInput } from '../e2e/helpers.ts';
import { isAlive, killLeftovers, pidsIn } from './subprocess-helpers.ts';

const AGENT = path.join(PROJECT_ROOT, 'test', 'worlds', 'subprocess-agent.sh');
const pidDirs: string[] = [];
afterAll(() => {
  for (const dir of pidDirs) killLeftovers(pidsIn(dir));
  removeTempDirs();
});

describe('SIGTERM to the harness in the middle of a wave of slow commands', () => {
  it('exits 143, writes state canceled at the checkpoint of the last finished wave, and leaves no process of the command alive', async () => {
    const dirs = runDirs('p21-cancel-');
    const pids = tempDir('p21-cancel-pids-');
    pidDirs.push(pids);
    const input = path.join(dirs.root, 'input');
    writeTreeInput(input, gridPredictions(2, 4, 1, () => 0.9));
    const agentsFile = path.join(dirs.root, 'agents.json');
    writeAgentsFile(agentsFile, [{ agent_id: 'agent_0', max_concurrency: 2 }]);
    const config = path.join(dirs.root, 'config.json');
    // Wave 1 is quick; every command of wave 2 sleeps 30 s (in a child of its shell).
    writeFileSync(config, JSON.stringify({ world: 'subprocess', subprocess: { command: [AGENT], timeout_s: 60, kill_grace_s: 1, env: { PIDS: pids, PLAIN: '1', WORK_S: '0.01', SLOW_WAVE_2: '1' } } }));
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('src', 'cli', 'main.ts'), 'phase', '--config', config, '--input', input, '--agents-file', agentsFile, ...outArgs(dirs), '--min-probability', '0', '--retry', 'none'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { resolve(code); }));
    try {
      // Both slots of wave 2 hold a sleeping command (two pids per task file: the shell, its sleep).
      const slowRunning = (): boolean => ['t2_1', 't2_2'].every((t) => existsSync(path.join(pids, `${t}.pid`)) && readFileSync(path.join(pids, `${t}.pid`), 'utf8').trim().split('\n').length === 2);
      for (let i = 0; i < 3000 && !slowRunning(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      expect(slowRunning()).toBe(true);
      child.kill('SIGTERM');
      expect(await exited).toBe(143);
    } finally {
      child.kill('SIGKILL');
    }
    expect(stderr).toContain('SIGTERM: canceling: ending the wave under way and its processes; send it again to stop at once\n');
    const manifest = JSON.parse(readFileSync(path.join(dirs.out, 'run.json'), 'utf8')) as { status: string; waves_finished: number; reason: string };
    expect(manifest).toMatchObject({ status: 'canceled', waves_finished: 1, reason: 'canceled by SIGTERM; --resume continues it' });
    const checkpoint = JSON.parse(readFileSync(path.join(dirs.out, 'checkpoint.json'), 'utf8')) as { waves_finished: number };
    expect(checkpoint.waves_finished).toBe(1);
    const all = pidsIn(pids);
    expect(all.length).toBeGreaterThanOrEqual(4 + 4);
    for (const pid of all) expect(isAlive(pid)).toBe(false);
  });
});
