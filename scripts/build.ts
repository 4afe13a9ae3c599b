/**
 * `npm run build [-- --outdir DIR]`: the compiled command line in `dist/cli/` (run by npm's
 * `prepare`, so `npm ci` builds it). esbuild bundles `src/cli/main.ts` (and the chart worker,
 * `src/charts/worker.ts`, as `dist/cli/chart-worker.js`) into ESM for Node 20 with code splitting: `dist/cli/main.js` holds what every command needs (commander, zod, the
 * option declarations), and each command's work (the pipeline, compare, import) is a chunk
 * loaded by the command's dynamic `import()` when it runs, so `--help` loads none of it.
 *
 * Packages in {@link BUNDLED} (pure JavaScript, on the start-up path) are bundled; every
 * other dependency stays an `import` of `node_modules`, so a package that reads its own files
 * (a `.wasm`, a template) works as installed. Why esbuild and not tsc: docs/performance.md.
 *
 * Type checking is `npm run typecheck` (tsc), not this step. Exit 0 built, 1 on a build error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build, type BuildOptions } from 'esbuild';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Dependencies bundled into dist: pure JavaScript that reads no file of its own. Bundling them
 * saves resolving and reading their many files at start-up (zod alone is ~100 modules).
 */
// jsonc-parser stays external: its CommonJS build requires './impl/format' relative to its own
// file, which a bundle cannot resolve (`--config` failed with "Cannot find module"); it is
// loaded only when a config file is given.
// vega and vega-lite (about 250 modules) load in half the time from one file: they are on the
// chart worker's start-up path (docs/performance.md). `canvas`, which vega loads only if installed,
// stays external: the charts never measure text with it (src/charts/render.ts).
// hyparquet-writer (and hyparquet, which it imports: about 120 modules, 45 ms of CPU to load
// from node_modules) are on the Parquet worker's start-up path, which shares the two cores with
// the run's start; neither reads a file of its own.
export const BUNDLED: readonly string[] = ['commander', 'zod', 'picocolors', 'fastest-levenshtein', 'simple-statistics', 'vega', 'vega-lite', 'hyparquet-writer'];

/** Packages that are not dependencies but that a bundled package imports if present. */
const OPTIONAL_EXTERNAL: readonly string[] = ['canvas'];

/** CommonJS packages inside an ESM bundle call `require`; this gives them Node's. */
const REQUIRE_SHIM = "import { createRequire as __phase21CreateRequire } from 'node:module';\nconst require = __phase21CreateRequire(import.meta.url);";

/** The esbuild options for an output folder `outdir` (absolute). */
export function buildOptions(outdir: string): BuildOptions {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
  const external = [...Object.keys(pkg.dependencies ?? {}).filter((name) => !BUNDLED.includes(name)), ...OPTIONAL_EXTERNAL];
  return {
    absWorkingDir: ROOT,
    // The chart worker is its own entry point: `new Worker(dist/cli/chart-worker.js)` (src/charts/renderer.ts).
    entryPoints: [
      { in: 'src/cli/main.ts', out: 'main' },
      { in: 'src/charts/worker.ts', out: 'chart-worker' },
      { in: 'src/report/parquet-worker.ts', out: 'parquet-worker' },
    ],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: external.flatMap((name) => [name, `${name}/*`]),
    banner: { js: REQUIRE_SHIM },
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'none',
    logLevel: 'warning',
  };
}

/** Empties `outdir` (no stale chunk survives) and builds into it. */
export async function buildCli(outdir: string): Promise<void> {
  fs.rmSync(outdir, { recursive: true, force: true });
  await build(buildOptions(outdir));
}

/**
 * Bundles the script `entry` (relative to the root) with every package into one ESM file
 * `outfile`: how the benchmark runs its I/O floor, so the floor starts as fast as the harness.
 */
export async function bundleScript(entry: string, outfile: string): Promise<void> {
  await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: { js: REQUIRE_SHIM },
    logLevel: 'warning',
  });
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { outdir: { type: 'string', default: path.join(ROOT, 'dist', 'cli') } } });
  try {
    await buildCli(path.resolve(values.outdir));
  } catch (error: unknown) {
    process.stderr.write(`build: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}
