/**
 * `npm run bench -- --profile`: runs the harness once under `node --cpu-prof` and says where the
 * time goes: the wall time at which each progress line appeared (stage boundaries), and the
 * main thread's self time summed by stage folder (`src/<stage>`), by file and by function.
 *
 * Self time of a profile node = the sum of the `timeDeltas` of the samples that landed in it
 * (the V8 `.cpuprofile` format, as Chrome DevTools reads it).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Where to read and write one profiled run. */
export interface ProfileRequest {
  readonly root: string;
  readonly input: string;
  readonly agentsFile: string;
  readonly out: string;
  readonly reportDir: string;
  /** Emptied first; the `.cpuprofile` files stay there. */
  readonly profDir: string;
}

/** A name and its self time, milliseconds. */
export interface SelfTime {
  readonly name: string;
  readonly ms: number;
}

/** A progress line of the profiled run. */
export interface ProgressLine {
  readonly atS: number;
  readonly text: string;
  readonly peakRssBytes: number | null;
}

const PAGE_BYTES = 4096;

/** Resident bytes of process `pid` from `/proc/<pid>/statm` (second field, pages), or null. */
function residentBytes(pid: number): number | null {
  try {
    const pages = Number(fs.readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    return Number.isFinite(pages) ? pages * PAGE_BYTES : null;
  } catch {
    return null;
  }
}

/** What {@link profileHarness} found. */
export interface ProfileSummary {
  /** Wall seconds of the profiled run (profiling slows it a little). */
  readonly wallS: number;
  /**
   * Each progress line with the wall second (from spawn) it appeared at and the child's peak RSS
   * (bytes) sampled since the previous line; the last entry is the exit. RSS is sampled from
   * `/proc/<pid>/statm` every 50 ms; null where `/proc` is absent.
   */
  readonly lines: readonly ProgressLine[];
  /** Total sampled time of the main thread, ms. */
  readonly totalMs: number;
  /** Self time by the stage folder of the function itself. */
  readonly byGroup: readonly SelfTime[];
  /** Time by stage on the stack: the outermost harness module below `src/pipeline.ts` and `src/cli/`. */
  readonly byStack: readonly SelfTime[];
  readonly byFile: readonly SelfTime[];
  readonly byFunction: readonly SelfTime[];
  readonly profileFile: string;
}

const CpuProfileSchema = z.object({
  nodes: z.array(
    z.object({
      id: z.number(),
      callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
      children: z.array(z.number()).default([]),
    }),
  ),
  samples: z.array(z.number()).default([]),
  timeDeltas: z.array(z.number()).default([]),
});

/**
 * A profile node's file: `src/...` relative to `root`, `node_modules/<package>`, `node:...` for
 * Node's own code, `(native)` for builtins and V8 (url empty).
 */
export function fileOf(url: string, root: string): string {
  if (url === '') return '(native)';
  if (!url.startsWith('file://')) return url;
  const rel = path.relative(root, fileURLToPath(url.split('?')[0] ?? url)).split(path.sep).join('/');
  const nm = /^node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(rel);
  return nm?.[1] !== undefined ? `node_modules/${nm[1]}` : rel;
}

/** The stage of a file: `src/<folder>` for the harness's code, `node:*` for Node's, else the file. */
export function groupOf(file: string, functionName: string): string {
  if (file === '(native)') return /^\((garbage collector|program|idle)\)$/.test(functionName) ? functionName : '(native builtins)';
  if (file.startsWith('node:')) return 'node: internals';
  const src = /^(src\/[^/]+)\//.exec(file);
  return src?.[1] ?? file;
}

/**
 * The stage a sample belongs to: the `src/<folder>` of the outermost frame on its stack that is
 * harness code other than `src/pipeline.ts` and `src/cli/` (they only call the stages);
 * `src/pipeline.ts` when those are the only harness frames; for stacks without harness code,
 * the V8 pseudo-frame (`(garbage collector)`, `(idle)`, `(program)`) or `(no harness frame:
 * startup, module loading, Node internals)`.
 */
function stackStages(nodes: readonly { id: number; file: string; functionName: string; children: readonly number[] }[]): Map<number, string> {
  const parent = new Map<number, number>();
  for (const node of nodes) for (const child of node.children) parent.set(child, node.id);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const stages = new Map<number, string>();
  for (const node of nodes) {
    let stage: string | null = null;
    let driver = false;
    for (let at: number | undefined = node.id; at !== undefined; at = parent.get(at)) {
      const file = byId.get(at)?.file ?? '';
      if (file === 'src/pipeline.ts' || file.startsWith('src/cli/')) driver = true;
      else if (file.startsWith('src/')) stage = /^(src\/[^/]+)\//.exec(file)?.[1] ?? file;
    }
    const pseudo = node.file === '(native)' && /^\((garbage collector|program|idle)\)$/.test(node.functionName);
    stages.set(node.id, stage ?? (driver ? 'src/pipeline.ts' : pseudo ? node.functionName : '(no harness frame: startup, module loading, Node internals)'));
  }
  return stages;
}

/** Sums self time (ms) per key; returns the entries largest first. */
function summed(map: Map<string, number>): SelfTime[] {
  return [...map].map(([name, us]) => ({ name, ms: us / 1000 })).sort((a, b) => b.ms - a.ms);
}

/** Summarises a parsed `.cpuprofile`. @throws ZodError when the text is not a V8 CPU profile. */
export function summariseProfile(text: string, root: string): Pick<ProfileSummary, 'totalMs' | 'byGroup' | 'byStack' | 'byFile' | 'byFunction'> {
  const profile = CpuProfileSchema.parse(JSON.parse(text));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const stages = stackStages(
    profile.nodes.map((n) => ({ id: n.id, file: fileOf(n.callFrame.url, root), functionName: n.callFrame.functionName, children: n.children })),
  );
  const byStack = new Map<string, number>();
  const byGroup = new Map<string, number>();
  const byFile = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  const add = (map: Map<string, number>, key: string, us: number): void => void map.set(key, (map.get(key) ?? 0) + us);
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = fileOf(url, root);
    total += us;
    add(byGroup, groupOf(file, functionName), us);
    add(byStack, stages.get(node.id) ?? '?', us);
    add(byFile, file === '(native)' ? `(native) ${functionName || '(anonymous)'}` : file, us);
    // tsx hands V8 each module's code on one line, so only Node's own frames have useful lines.
    add(byFunction, `${functionName || '(anonymous)'} ${file}${url.startsWith('node:') ? `:${lineNumber + 1}` : ''}`, us);
  }
  return { totalMs: total / 1000, byGroup: summed(byGroup), byStack: summed(byStack), byFile: summed(byFile), byFunction: summed(byFunction) };
}

/**
 * Runs the harness once on `req.input` with `--cpu-prof` (progress lines on, `--quiet` off),
 * then summarises the largest profile written (the main thread's).
 * @throws Error when the harness exits non-zero or writes no profile.
 */
export async function profileHarness(req: ProfileRequest): Promise<ProfileSummary> {
  for (const dir of [req.out, req.reportDir, req.profDir]) fs.rmSync(dir, { recursive: true, force: true });
  const args = [
    '--cpu-prof', '--cpu-prof-dir', req.profDir, '--import', 'tsx', 'src/cli/main.ts',
    '--input', req.input, '--out', req.out, '--report-dir', req.reportDir, '--agents-file', req.agentsFile,
  ];
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: req.root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: '1' } });
  const lines: ProgressLine[] = [];
  let peak: number | null = null;
  const sample = (): void => {
    const rss = child.pid === undefined ? null : residentBytes(child.pid);
    if (rss !== null) peak = Math.max(peak ?? 0, rss);
  };
  const timer = setInterval(sample, 50);
  const mark = (text: string): void => {
    sample();
    lines.push({ atS: (performance.now() - started) / 1000, text, peakRssBytes: peak });
    peak = null;
  };
  let pending = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    const parts = (pending + chunk).split('\n');
    pending = parts.pop() ?? '';
    for (const text of parts) if (text.trim() !== '') mark(text);
  });
  // 'close' comes after the last stderr chunk, so 'exit' is the last line.
  child.on('close', () => {
    mark('exit');
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  }).finally(() => {
    clearInterval(timer);
  });
  const wallS = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`profiled harness exited with code ${code}\n${lines.map((l) => l.text).join('\n')}`);
  const files = fs.existsSync(req.profDir) ? fs.readdirSync(req.profDir).filter((f) => f.endsWith('.cpuprofile')) : [];
  const largest = files
    .map((f) => path.join(req.profDir, f))
    .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0];
  if (largest === undefined) throw new Error(`no .cpuprofile in ${req.profDir}`);
  return { wallS, lines, profileFile: largest, ...summariseProfile(fs.readFileSync(largest, 'utf8'), req.root) };
}

/** The summary as text: progress lines with their wall times, then the top self-time tables. */
export function formatProfile(s: ProfileSummary, top = 12): string {
  const pct = (ms: number): string => `${((100 * ms) / s.totalMs).toFixed(1).padStart(5)}%`;
  const table = (title: string, rows: readonly SelfTime[]): string[] => [
    `${title}:`,
    ...rows.slice(0, top).map((r) => `  ${r.ms.toFixed(0).padStart(7)} ms ${pct(r.ms)}  ${r.name}`),
  ];
  let previous = 0;
  const timeline = s.lines.map((l) => {
    const delta = l.atS - previous;
    previous = l.atS;
    const rss = l.peakRssBytes === null ? '' : `, peak RSS ${(l.peakRssBytes / 1e6).toFixed(0).padStart(5)} MB`;
    return `  at ${l.atS.toFixed(2).padStart(6)} s (+${delta.toFixed(2)} s${rss})  ${l.text}`;
  });
  return [
    `wall ${s.wallS.toFixed(2)} s under --cpu-prof; main thread sampled ${(s.totalMs / 1000).toFixed(2)} s (${s.profileFile})`,
    'progress lines (a wave line prints when the wave has finished and its files are written;',
    'peak RSS is the highest sample since the line before):',
    ...timeline,
    ...table('time by stage on the stack (outermost harness module)', s.byStack),
    ...table('self time by stage folder of the function', s.byGroup),
    ...table('self time by file', s.byFile),
    ...table('self time by function', s.byFunction),
  ].join('\n');
}
