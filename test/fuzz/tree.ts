/**
 * The fuzz test's inputs: a seeded generator in the project's keyed style, an in-memory model
 * of an input folder (files, links, named pipes) that mutations edit, the real-like bases it
 * starts from, and the writer that puts a case on disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cyrb53 } from '../../src/simulate/rng.ts';

/** A seeded generator: draw i of seed s is cyrb53(`s|i`) / 2^53, like the harness's keyed draws. */
export class Rand {
  #draws = 0;
  constructor(readonly seed: string) {}

  /** Uniform on [0, 1). */
  next(): number {
    return cyrb53(`${this.seed}|${this.#draws++}`) / 2 ** 53;
  }

  /** An integer in [lo, hi]. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[this.int(0, items.length - 1)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** Placeholders for link targets outside the input, replaced when the case is written. */
export const OUTSIDE_FILE = '@outside/secret.jsonl';
export const OUTSIDE_DIR = '@outside/agent';
/** Text in the outside files: it must never appear in stderr or an artifact. */
export const SECRET = 'SECRET-OUTSIDE-CONTENT';

/** An input folder in memory: relative paths with `/`. */
export interface FuzzTree {
  layout: 'tree' | 'flat';
  readonly files: Map<string, Buffer>;
  /** Link path -> target as written to the link (relative to the link's folder, or an `@outside` placeholder). */
  readonly links: Map<string, string>;
  readonly fifos: Set<string>;
  readonly dirs: Set<string>;
}

export function cloneTree(tree: FuzzTree): FuzzTree {
  return { layout: tree.layout, files: new Map(tree.files), links: new Map(tree.links), fifos: new Set(tree.fifos), dirs: new Set(tree.dirs) };
}

/** Every path of the tree (files, links, pipes, empty folders). */
export function allPaths(tree: FuzzTree): string[] {
  return [...tree.files.keys(), ...tree.links.keys(), ...tree.fifos, ...tree.dirs];
}

/** Renames the folder `from` (every path under it) to `to`. */
export function renameFolder(tree: FuzzTree, from: string, to: string): void {
  const move = <V>(map: Map<string, V>): void => {
    for (const [key, value] of [...map]) {
      if (key === from || key.startsWith(`${from}/`)) {
        map.delete(key);
        map.set(to + key.slice(from.length), value);
      }
    }
  };
  move(tree.files);
  move(tree.links);
  for (const set of [tree.fifos, tree.dirs]) {
    for (const key of [...set]) {
      if (key === from || key.startsWith(`${from}/`)) {
        set.delete(key);
        set.add(to + key.slice(from.length));
      }
    }
  }
}

/** Copies the folder `from` (its files) to `to`. */
export function copyFolder(tree: FuzzTree, from: string, to: string): void {
  for (const [key, value] of [...tree.files]) if (key.startsWith(`${from}/`)) tree.files.set(to + key.slice(from.length), value);
}

/** The folders of the tree that hold files, deepest path first. */
export function folders(tree: FuzzTree): string[] {
  const out = new Set<string>();
  for (const p of allPaths(tree)) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) out.add(parts.slice(0, i).join('/'));
  }
  return [...out].sort();
}

const PROJECT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The real Phase 20 fixture, when `../shared/fixtures` is present. */
export const STOCK_3W = path.resolve(PROJECT, '..', 'shared', 'fixtures', 'phase20-upstream', 'stock-3w');

function lines(file: string): string[] {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
}

/**
 * A small tree cut from a real one: the first `rows` predictions of each of `agents` in each of
 * `waves`, and the schedule rows of those tasks.
 */
function cut(root: string, waves: readonly number[], agents: readonly string[], rows: number): FuzzTree {
  const files = new Map<string, Buffer>();
  for (const wave of waves) {
    for (const agent of agents) {
      const dir = path.join(root, `wave_${wave}`, agent);
      const tasks = lines(path.join(dir, 'predicted_tasks.jsonl')).slice(0, rows);
      const ids = new Set(tasks.map((l) => (JSON.parse(l) as { task_id: string }).task_id));
      files.set(`wave_${wave}/${agent}/predicted_tasks.jsonl`, Buffer.from(tasks.map((l) => `${l}\n`).join('')));
      const schedulePath = path.join(dir, 'predicted_schedule.jsonl');
      if (!fs.existsSync(schedulePath)) continue;
      const schedule = lines(schedulePath).filter((l) => ids.has((JSON.parse(l) as { task_id: string }).task_id));
      if (schedule.length > 0) files.set(`wave_${wave}/${agent}/predicted_schedule.jsonl`, Buffer.from(schedule.map((l) => `${l}\n`).join('')));
    }
  }
  return { layout: 'tree', files, links: new Map(), fifos: new Set(), dirs: new Set() };
}

/** The same rows in the flat layout: every tasks row gains `"wave": w` (schedule rows carry it already). */
function flatten(tree: FuzzTree): FuzzTree {
  const tasks: string[] = [];
  const schedule: string[] = [];
  for (const [rel, bytes] of tree.files) {
    const wave = Number(/^wave_(\d+)\//.exec(rel)?.[1]);
    for (const line of bytes.toString('utf8').split('\n').filter((l) => l !== '')) {
      if (rel.endsWith('predicted_tasks.jsonl')) tasks.push(line.replace(/^\{/, `{"wave": ${wave}, `));
      else schedule.push(line);
    }
  }
  const files = new Map([['predicted_tasks.jsonl', Buffer.from(tasks.map((l) => `${l}\n`).join(''))]]);
  if (schedule.length > 0) files.set('predicted_schedule.jsonl', Buffer.from(schedule.map((l) => `${l}\n`).join('')));
  return { layout: 'flat', files, links: new Map(), fifos: new Set(), dirs: new Set() };
}

let bases: ReadonlyMap<string, FuzzTree> | null = null;

/**
 * The bases cases start from: `sample` (the committed data/phase20, 2 waves x 3 agents x 3 rows),
 * `sample-flat` (the same, flat), and `stock-3w` (the real fixture, 2 waves x 2 agents x 3 rows)
 * when `../shared/fixtures` is present. Read once.
 */
export function baseTrees(): ReadonlyMap<string, FuzzTree> {
  if (bases !== null) return bases;
  const sample = cut(path.join(PROJECT, 'data', 'phase20'), [1, 2], ['agent_0', 'agent_1', 'agent_2'], 3);
  const map = new Map<string, FuzzTree>([
    ['sample', sample],
    ['sample-flat', flatten(sample)],
  ]);
  if (fs.existsSync(STOCK_3W)) map.set('stock-3w', cut(STOCK_3W, [1, 2], ['agent_0', 'agent_1'], 3));
  bases = map;
  return map;
}

/**
 * Writes `tree` under `input`, and the outside folder (`outside/secret.jsonl`, `outside/agent/`)
 * its links may point to. Named pipes are made with `mkfifo` where the platform has it.
 */
export function writeTree(tree: FuzzTree, input: string, outside: string, mkfifo: (file: string) => void): void {
  fs.mkdirSync(path.join(outside, 'agent'), { recursive: true });
  const secretRow = `{"task_id": "${SECRET}", "agent_id": "agent_0", "predicted_success_probability": 0.5}\n`;
  fs.writeFileSync(path.join(outside, 'secret.jsonl'), `root:x:0:0:${SECRET}:/root:/bin/sh\n${secretRow}`);
  fs.writeFileSync(path.join(outside, 'agent', 'predicted_tasks.jsonl'), secretRow);
  fs.mkdirSync(input, { recursive: true });
  for (const dir of tree.dirs) fs.mkdirSync(path.join(input, dir), { recursive: true });
  for (const [rel, bytes] of tree.files) {
    fs.mkdirSync(path.dirname(path.join(input, rel)), { recursive: true });
    fs.writeFileSync(path.join(input, rel), bytes);
  }
  for (const rel of tree.fifos) {
    fs.mkdirSync(path.dirname(path.join(input, rel)), { recursive: true });
    mkfifo(path.join(input, rel));
  }
  for (const [rel, target] of tree.links) {
    const where = path.join(input, rel);
    fs.mkdirSync(path.dirname(where), { recursive: true });
    const resolved = target === OUTSIDE_FILE ? path.join(outside, 'secret.jsonl') : target === OUTSIDE_DIR ? path.join(outside, 'agent') : target;
    fs.rmSync(where, { recursive: true, force: true });
    fs.symlinkSync(resolved, where);
  }
}
