/**
 * `npm run fuzz -- [--cases N] [--seed S] [--from I] [--case I] [--keep]`: runs fuzz cases of
 * `test/fuzz/` (the same generator and checks as the test in `npm test`) and prints every
 * failing case with its seed, index and mutations. `--case I` runs one case (a replay);
 * `--keep` leaves its folder (input, outputs) for inspection. Exit 0 when every case passed,
 * 1 when one failed, 2 on a bad option.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { describeCase, fuzzRoot, makeCase, runCase } from '../test/fuzz/case.ts';

interface Io {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

function count(text: string | undefined, name: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) throw new Error(`--${name}: expected a whole number, got ${JSON.stringify(text)}`);
  return Number(text);
}

/** Runs the fuzz command line `argv`; returns the exit code. */
export async function main(argv: readonly string[], io: Io): Promise<number> {
  let cases: number;
  let from: number;
  let seed: string;
  let keep: boolean;
  try {
    const { values } = parseArgs({
      args: [...argv],
      options: { cases: { type: 'string' }, seed: { type: 'string' }, from: { type: 'string' }, case: { type: 'string' }, keep: { type: 'boolean' } },
      strict: true,
    });
    seed = values.seed ?? 'issue-5';
    keep = values.keep ?? false;
    if (values.case !== undefined) {
      from = count(values.case, 'case', 0);
      cases = 1;
    } else {
      from = count(values.from, 'from', 0);
      cases = count(values.cases, 'cases', 1000);
    }
  } catch (error: unknown) {
    io.err(`fuzz: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const root = fuzzRoot();
  const started = performance.now();
  const codes = new Map<number, number>();
  let failed = 0;
  for (let index = from; index < from + cases; index++) {
    const c = makeCase(seed, index);
    const dir = path.join(root, String(index));
    const result = await runCase(c, dir);
    codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
    if (result.failures.length > 0) {
      failed++;
      io.out(`${describeCase(c)}\n  FAILED:\n${result.failures.map((f) => `    ${f}`).join('\n')}\n  stderr: ${result.stderr.slice(0, 2000)}\n\n`);
    }
    if (keep) io.out(`case ${index} kept in ${dir}\n`);
    else fs.rmSync(dir, { recursive: true, force: true });
    if ((index - from + 1) % 100 === 0) io.err(`${index - from + 1}/${cases} cases, ${failed} failed\n`);
  }
  if (!keep) fs.rmSync(root, { recursive: true, force: true });
  const seconds = (performance.now() - started) / 1000;
  const byCode = [...codes].sort((a, b) => a[0] - b[0]).map(([code, n]) => `exit ${code}: ${n}`).join(', ');
  io.out(`${cases} cases of seed ${JSON.stringify(seed)} from ${from} in ${seconds.toFixed(1)} s (${byCode}); ${failed} failed\n`);
  return failed === 0 ? 0 : 1;
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) {
  process.exitCode = await main(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
}
