/**
 * SIGTERM to a real tournament process: its running replications are stopped, it exits 143,
 * writes no tournament file, and leaves no child behind (no process names its folder).
 */
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gridPredictions, PROJECT_ROOT, removeTempDirs, tempDir, writeTreeInput } from '../e2e/helpers.ts';

afterAll(removeTempDirs);

/** Command lines of every process on the machine that mention `text`. */
function processesNaming(text: string): string[] {
  return execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' })
    .split('\n')
    .filter((line) => line.includes(text));
}

let input = '';
let root = '';
beforeAll(() => {
  root = tempDir('p21-tourney-sig-');
  input = path.join(root, 'in');
  writeTreeInput(input, gridPredictions(3, 400, 4, (w, t, a) => 0.4 + ((w + t * 3 + a * 7) % 50) / 100));
});

describe('a canceled tournament', () => {
  it('SIGTERM: exit 143, the runs stopped, no child left, no tournament file', async () => {
    const out = path.join(root, 'out');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join('src', 'cli', 'main.ts'), 'tournament', '--input', input, '--strategies', 'priority,confidence', '--replications', '4', '--jobs', '2', '--out', out], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NO_COLOR: '1' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    const started = new Promise<void>((resolve) => {
      child.stderr.on('data', (chunk: string) => {
        stderr += chunk;
        if (stderr.includes('2 at a time')) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => {
      child.on('close', (code) => {
        resolve(code);
      });
    });
    try {
      await started;
      // Both replications have been spawned; let them get going.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // the tournament and its two runs
      expect(processesNaming(out).length).toBeGreaterThanOrEqual(3);
      child.kill('SIGTERM');
      expect(await exited).toBe(143);
    } finally {
      child.kill('SIGKILL');
    }
    expect(stderr).toContain('SIGTERM: stopping the runs under way');
    expect(stderr).toContain('tournament canceled by SIGTERM: no tournament files written');
    expect(processesNaming(out)).toEqual([]);
    expect(fs.existsSync(path.join(out, 'tournament.json'))).toBe(false);
  }, 120_000);
});
