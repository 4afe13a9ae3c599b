/**
 * The hostile-input findings of issue 5, each reproduced through the CLI on a copy of the real
 * fixture `../shared/fixtures/phase20-upstream/stock-3w` (skipped, with the reason, where the
 * fixtures are absent): no input makes the harness exit 3, nothing is dropped without a word,
 * no link leads out of the input, and no input adds a line or a control sequence to stderr.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { outArgs, PROJECT_ROOT, readJsonl, removeTempDirs, runCli, runDirs, tempDir } from './helpers.ts';
import type { CliRun, RunDirs } from './helpers.ts';

afterAll(removeTempDirs);

const STOCK = path.resolve(PROJECT_ROOT, '..', 'shared', 'fixtures', 'phase20-upstream', 'stock-3w');
const present = existsSync(STOCK);
/** A stack frame, or any control byte but the newline. */
const STACK_FRAME = /^\s+at /m;
// eslint-disable-next-line no-control-regex -- looking for control bytes is the point
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** A fresh copy of stock-3w, named D as in the issue. */
function copyStock(): string {
  const dir = path.join(tempDir('p21-hostile-'), 'D');
  cpSync(STOCK, dir, { recursive: true });
  return dir;
}

async function run(input: string, ...args: string[]): Promise<{ run: CliRun; dirs: RunDirs }> {
  const dirs = runDirs();
  const result = await runCli(['--input', input, ...args, ...outArgs(dirs)]);
  expect(result.stderr).not.toMatch(STACK_FRAME);
  expect(result.stderr).not.toMatch(CONTROL);
  expect(result.stderr).not.toContain('internal error');
  return { run: result, dirs };
}

function refused(result: { run: CliRun; dirs: RunDirs }): string[] {
  expect(result.run.code, result.run.stderr).toBe(2);
  expect(existsSync(result.dirs.out)).toBe(false);
  expect(existsSync(result.dirs.report)).toBe(false);
  return result.run.stderr.split('\n');
}

/** Replaces `"field": <value>` on line `line` (1-based) of `file`. */
function editLine(file: string, line: number, field: string, value: string): void {
  const lines = readFileSync(file, 'utf8').split('\n');
  lines[line - 1] = (lines[line - 1] ?? '').replace(new RegExp(`"${field}": [^,}]+`), `"${field}": ${value}`);
  writeFileSync(file, lines.join('\n'));
}

describe.skipIf(!present)('hostile input (issue 5), on a copy of stock-3w', () => {
  it('predicted_execution_time 1e13 is an input error, not a crash', async () => {
    const d = copyStock();
    const file = path.join(d, 'wave_2', 'agent_0', 'predicted_tasks.jsonl');
    editLine(file, 1, 'predicted_execution_time', '1e13');
    expect(refused(await run(d))).toContain(`${file}:1: predicted_execution_time: must be <= 1000000000, got 10000000000000`);
  });

  it('a timestamp in 9999 is an input error, so no artifact holds a 5-digit year', async () => {
    const d = copyStock();
    const file = path.join(d, 'wave_2', 'agent_0', 'predicted_tasks.jsonl');
    editLine(file, 1, 'timestamp', '"9999-12-31T23:59:59.999Z"');
    expect(refused(await run(d))).toContain(`${file}:1: timestamp: must be in the years 1970 to 8999, got "9999-12-31T23:59:59.999Z"`);
  });

  it('a run that could pass 9999-12-31 from its --epoch is refused before anything is written', async () => {
    const d = copyStock();
    editLine(path.join(d, 'wave_1', 'agent_0', 'predicted_tasks.jsonl'), 1, 'predicted_execution_time', '1e9');
    const lines = refused(await run(d, '--epoch', '8990-01-01T00:00:00Z'));
    expect(lines.find((l) => l.startsWith(`${d}: (simulated time): the run could last up to `))).toContain('use an earlier --epoch');
    const ok = await run(d);
    expect(ok.run.code, ok.run.stderr).toBe(0);
  });

  it.skipIf(process.platform === 'win32')('a flat predicted_tasks.jsonl that links to itself is an input error (ELOOP)', async () => {
    const flat = tempDir('p21-hostile-');
    symlinkSync('predicted_tasks.jsonl', path.join(flat, 'predicted_tasks.jsonl'));
    expect(refused(await run(flat))).toContain(`${path.join(flat, 'predicted_tasks.jsonl')}: (file): a symbolic link that loops (ELOOP)`);
  });

  it('Wave_1 and .agent_9 are named: an error by default, a warning and a count in quarantine mode', async () => {
    const d = copyStock();
    renameSync(path.join(d, 'wave_1'), path.join(d, 'Wave_1'));
    cpSync(path.join(d, 'wave_2', 'agent_0'), path.join(d, 'wave_2', '.agent_9'), { recursive: true });
    const lines = refused(await run(d));
    expect(lines.filter((l) => / \((folder)\): /.test(l))).toEqual([
      `${path.join(d, 'Wave_1')}: (folder): a wave folder must be named wave_<integer from 1 to 9007199254740991>, in lower case and without leading zeros (e.g. wave_1)`,
      `${path.join(d, 'wave_2', '.agent_9')}: (folder): a hidden folder; hidden entries are not read`,
    ]);
    const q = await run(d, '--on-invalid', 'quarantine');
    expect(q.run.code, q.run.stderr).toBe(0);
    expect(q.run.stderr).toContain(`warning: ${path.join(d, 'Wave_1')}: (folder): a wave folder must be named`);
    expect(q.run.stderr).toContain(`warning: ${path.join(d, 'wave_2', '.agent_9')}: (folder): a hidden folder; hidden entries are not read; left out of the run`);
    expect(q.run.stderr).toMatch(/^plan: 2 waves, 8 tasks, 4 agents \(32 prediction rows, 2 paths not read\)$/m);
  });

  it('wave numbers are never rounded or merged: too large ones are refused, the largest safe one is kept exactly', async () => {
    const d = copyStock();
    renameSync(path.join(d, 'wave_3'), path.join(d, 'wave_9007199254740993'));
    cpSync(path.join(d, 'wave_2'), path.join(d, 'wave_10000000000000000'), { recursive: true });
    cpSync(path.join(d, 'wave_2'), path.join(d, 'wave_10000000000000001'), { recursive: true });
    cpSync(path.join(d, 'wave_2'), path.join(d, `wave_${'7'.repeat(250)}`), { recursive: true });
    const lines = refused(await run(d));
    const named = lines.filter((l) => l.includes(': (folder): a wave folder must be named')).map((l) => path.basename(l.slice(0, l.indexOf(':'))));
    expect(named).toEqual(['wave_9007199254740993', 'wave_10000000000000000', 'wave_10000000000000001', `wave_${'7'.repeat(250)}`]);

    const safe = copyStock();
    renameSync(path.join(safe, 'wave_3'), path.join(safe, 'wave_9007199254740991'));
    for (const file of ['predicted_schedule.jsonl']) {
      for (const agent of ['agent_0', 'agent_1', 'agent_2', 'agent_3']) {
        const p = path.join(safe, 'wave_9007199254740991', agent, file);
        writeFileSync(p, readFileSync(p, 'utf8').replaceAll('"wave": 3', '"wave": 9007199254740991'));
      }
    }
    const ok = await run(safe);
    expect(ok.run.code, ok.run.stderr).toBe(0);
    expect(existsSync(path.join(ok.dirs.out, 'wave_9007199254740991', 'wave_summary.json'))).toBe(true);
    expect(readJsonl(ok.dirs.out, 'task_outcomes.jsonl').filter((r) => r.wave === 9007199254740991)).toHaveLength(4);
  });

  it.skipIf(process.platform === 'win32')('an input file linking outside the input is refused and never read or echoed, in both modes', async () => {
    const d = copyStock();
    const secret = path.join(tempDir('p21-secret-'), 'passwd');
    writeFileSync(secret, 'root:x:0:0:SECRET-CONTENT:/root:/bin/bash\n');
    const file = path.join(d, 'wave_1', 'agent_0', 'predicted_tasks.jsonl');
    rmSync(file);
    symlinkSync(secret, file);
    for (const mode of ['fail', 'quarantine']) {
      const lines = refused(await run(d, '--on-invalid', mode));
      expect(lines).toContain(`${file}: (file): a symbolic link to a path outside the input folder; not read (links are followed only within the input folder)`);
      expect(lines.join('\n')).not.toContain('SECRET-CONTENT');
    }
  });

  it('a field name holding a forged diagnostic, ESC in a field name and a line, and an agent folder "agent_0\\n" print escaped on one line each', async () => {
    const d = copyStock();
    const file = path.join(d, 'wave_1', 'agent_0', 'predicted_tasks.jsonl');
    const forged = 'x\nwave_9/agent_0/predicted_tasks.jsonl:1: task_id: FORGED';
    const rows = readFileSync(file, 'utf8').trimEnd().split('\n');
    const first = JSON.parse(rows[0] ?? '{}') as Record<string, unknown>;
    rows[0] = JSON.stringify({ ...first, [forged]: 1, 'esc\u001b[2Jfield': 2 });
    rows.push('not json \u001b]0;pwned\u0007 \u001b[31m');
    writeFileSync(file, `${rows.join('\n')}\n`);
    mkdirSync(path.join(d, 'wave_2', 'agent_0\n'));
    writeFileSync(path.join(d, 'wave_2', 'agent_0\n', 'predicted_tasks.jsonl'), '');

    const lines = refused(await run(d));
    expect(lines.filter((l) => l.startsWith('wave_9/') || l.includes('FORGED') && !l.startsWith(d))).toEqual([]);
    expect(lines).toContain(`${path.join(d, 'wave_2', 'agent_0')}\\n: (folder): an agent folder must be named like an agent id (/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/)`);
    expect(lines.find((l) => l.startsWith(`${file}:5: (line): invalid JSON`))).toContain('\\u001b');

    const q = await run(d, '--on-invalid', 'quarantine');
    expect(q.run.code, q.run.stderr).toBe(0);
    const warningLines = q.run.stderr.split('\n').filter((l) => l.includes('FORGED') || l.includes('esc\\u001b'));
    expect(warningLines).toEqual([
      `warning: ${file}:1: x\\nwave_9/agent_0/predicted_tasks.jsonl:1: task_id: FORGED: unknown field ignored (in 1 predicted_tasks.jsonl row)`,
      `warning: ${file}:1: esc\\u001b[2Jfield: unknown field ignored (in 1 predicted_tasks.jsonl row)`,
    ]);
    // rejected.jsonl keeps the bad line verbatim (JSON-encoded there).
    expect(readJsonl(q.dirs.out, 'rejected.jsonl').map((r) => r.raw)).toEqual(['not json \u001b]0;pwned\u0007 \u001b[31m']);
  });
});
