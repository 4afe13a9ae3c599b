/**
 * Issue 5's environment faults on real file systems: `--out` on a 1 MiB tmpfs (the sample run
 * writes 1.4 MB) and on a read-only one. Mounting needs root (CAP_SYS_ADMIN); without it these
 * tests are skipped, saying so.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readJson, removeTempDirs, runCli, SAMPLE_AGENTS, SAMPLE_INPUT, tempDir } from '../e2e/helpers.ts';

const mounts: string[] = [];

function mount(dir: string, options: string): boolean {
  try {
    mkdirSync(dir, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'ignore' });
    mounts.push(dir);
    return true;
  } catch {
    return false;
  }
}

const probe = tempDir('p21-tmpfs-probe-');
const canMount = mount(path.join(probe, 'm'), 'size=64k');
if (!canMount) console.warn('test/run/tmpfs.test.ts: skipped: cannot mount a tmpfs here (needs root)');

afterAll(() => {
  for (const dir of mounts.reverse()) {
    try {
      execFileSync('umount', [dir], { stdio: 'ignore' });
    } catch {
      // Left mounted: nothing else to do.
    }
  }
  removeTempDirs();
});

const SAMPLE = ['--input', SAMPLE_INPUT, '--agents-file', SAMPLE_AGENTS, '--quiet'];

describe.skipIf(!canMount)('--out on a full disk (1 MiB tmpfs)', () => {
  let root = '';
  beforeAll(() => {
    root = tempDir('p21-tmpfs-');
    expect(mount(path.join(root, 'small'), 'size=1m')).toBe(true);
  });

  it('exit 2 naming ENOSPC; run.json says failed with the reason; no file at its final name is cut short; no stack', async () => {
    const reference = tempDir('p21-tmpfs-ref-');
    const ok = await runCli([...SAMPLE, '--out', path.join(reference, 'out'), '--report-dir', path.join(reference, 'report')]);
    expect(ok.code).toBe(0);
    const out = path.join(root, 'small', 'out');
    const run = await runCli([...SAMPLE, '--out', out, '--report-dir', path.join(root, 'report')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^--out: cannot (write|create|sync) .*: no space left on device \(ENOSPC\)$/m);
    expect(run.stderr).not.toMatch(/internal error|\n\s+at /);
    const manifest = readJson(out, 'run.json');
    expect(manifest.status).toBe('failed');
    expect(manifest.reason).toMatch(/no space left on device \(ENOSPC\)/);
    const walk = (relative: string): string[] =>
      readdirSync(path.join(out, relative), { withFileTypes: true }).flatMap((e) => {
        const rel = relative === '' ? e.name : `${relative}/${e.name}`;
        return e.isDirectory() ? walk(rel) : [rel];
      });
    const finals = walk('').filter((rel) => !path.posix.basename(rel).startsWith('.') && rel !== 'run.json');
    expect(finals.length).toBeGreaterThan(0);
    for (const rel of finals) {
      // checkpoint.json is that of the last wave finished before the disk filled: whole, but not the reference's last.
      if (rel === 'checkpoint.json') {
        expect(() => readJson(out, rel) as unknown).not.toThrow();
        continue;
      }
      const ours = execFileSync('sha256sum', [path.join(out, rel)], { encoding: 'utf8' }).split(' ')[0];
      const theirs = execFileSync('sha256sum', [path.join(reference, 'out', rel)], { encoding: 'utf8' }).split(' ')[0];
      expect(ours, rel).toBe(theirs);
    }
    expect(existsSync(path.join(root, 'report'))).toBe(false);
  });
});

describe.skipIf(!canMount)('--out and --report-dir on a read-only file system', () => {
  it('exit 2 before anything is written, naming the option and EROFS', async () => {
    const root = tempDir('p21-tmpfs-ro-');
    const ro = path.join(root, 'ro');
    expect(mount(ro, 'size=64k,ro')).toBe(true);
    const out = await runCli([...SAMPLE, '--out', path.join(ro, 'out'), '--report-dir', path.join(root, 'report')]);
    expect(out.code).toBe(2);
    expect(out.stderr).toMatch(new RegExp(`^--out: cannot create ${path.join(ro, 'out')}: ${ro} is not writable: read-only file system \\(EROFS\\)$`, 'm'));
    const report = await runCli([...SAMPLE, '--out', path.join(root, 'out'), '--report-dir', ro]);
    expect(report.code).toBe(2);
    expect(report.stderr).toMatch(new RegExp(`^--report-dir: ${ro} is not writable: read-only file system \\(EROFS\\)$`, 'm'));
    expect(existsSync(path.join(root, 'out'))).toBe(false);
    expect(existsSync(path.join(root, 'report'))).toBe(false);
  });
});
