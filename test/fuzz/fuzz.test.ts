/**
 * The fuzz test of issue 5: a few hundred hostile inputs mutated from the committed sample and
 * (when `../shared/fixtures` is present) the real stock-3w fixture, each run in-process through
 * the CLI and checked against the properties in `check.ts`. Any number more: `npm run fuzz`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeCase, fuzzRoot, makeCase, MUTATIONS, runCase } from './case.ts';
import { baseTrees, STOCK_3W } from './tree.ts';

const SEED = 'issue-5';
const CASES = 300;

const root = fuzzRoot();
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('fuzz: hostile input', () => {
  it.skipIf(!fs.existsSync(STOCK_3W))('starts from the real stock-3w fixture too (needs ../shared/fixtures)', () => {
    expect([...baseTrees().keys()]).toEqual(['sample', 'sample-flat', 'stock-3w']);
  });

  it(`${CASES} cases of seed ${SEED}: exit 0 or 2, nothing lost, nothing out of bounds, nothing forged`, async () => {
    const failed: string[] = [];
    const codes = new Map<number, number>();
    const kinds = new Set<string>();
    let accounted = 0;
    for (let index = 0; index < CASES; index++) {
      const c = makeCase(SEED, index);
      for (const m of c.mutations) kinds.add(m.slice(0, m.indexOf(':')));
      const dir = path.join(root, String(index));
      const result = await runCase(c, dir);
      fs.rmSync(dir, { recursive: true, force: true });
      codes.set(result.code, (codes.get(result.code) ?? 0) + 1);
      if (result.accounted) accounted++;
      if (result.failures.length > 0) failed.push(`${describeCase(c)}\n  FAILED:\n${result.failures.map((f) => `    ${f}`).join('\n')}\n  stderr: ${result.stderr.slice(0, 2000)}`);
    }
    expect(failed.join('\n\n')).toBe('');
    // The cases reach what they are meant to: every mutation kind, both outcomes, and the
    // quarantine accounting on runs that finished.
    expect([...kinds].sort()).toEqual(MUTATIONS.map((m) => m.name).sort());
    expect(codes.get(0) ?? 0).toBeGreaterThan(CASES / 10);
    expect(codes.get(2) ?? 0).toBeGreaterThan(CASES / 10);
    expect(accounted).toBeGreaterThan(CASES / 20);
  }, 600_000);
});
