/**
 * The fuzz test's mutations of the folder layout (case variants, hidden and stray entries, wave
 * and agent folder names, symbolic links in and out of bounds, loops, named pipes, a mixed
 * layout), of the agents file and of the command line.
 */
import { inputFiles, pickFile, type Mutation, type MutationContext } from './mutations.ts';
import { allPaths, copyFolder, folders, OUTSIDE_DIR, OUTSIDE_FILE, renameFolder } from './tree.ts';


const TASKS = 'predicted_tasks.jsonl';

/** Wave folders (`wave_1`) and agent folders (`wave_1/agent_0`) of a tree layout. */
function waveFolders(c: MutationContext): string[] {
  return folders(c.tree).filter((f) => /^wave_[^/]+$/.test(f));
}
function agentFolders(c: MutationContext): string[] {
  return folders(c.tree).filter((f) => /^wave_[^/]+\/[^/]+$/.test(f));
}

function renameOne(c: MutationContext, candidates: readonly string[], names: (base: string) => readonly string[]): string | null {
  if (candidates.length === 0) return null;
  const from = c.rand.pick(candidates);
  const slash = from.lastIndexOf('/');
  const parent = slash === -1 ? '' : from.slice(0, slash + 1);
  const to = parent + c.rand.pick(names(from.slice(slash + 1)));
  renameFolder(c.tree, from, to);
  return `${from} -> ${JSON.stringify(to)}`;
}

function renameFile(c: MutationContext, file: string, name: string): string {
  const bytes = c.tree.files.get(file);
  if (bytes !== undefined) {
    c.tree.files.delete(file);
    c.tree.files.set(file.slice(0, file.lastIndexOf('/') + 1) + name, bytes);
  }
  return `${file} -> ${name}`;
}

export const LAYOUT_MUTATIONS: readonly Mutation[] = [
  {
    name: 'case-variant',
    apply: (c) => {
      const what = c.rand.pick(['wave', 'agent', 'file']);
      if (what === 'wave') return renameOne(c, waveFolders(c), (n) => [n.replace('wave_', 'Wave_'), n.toUpperCase()]);
      if (what === 'agent') return renameOne(c, agentFolders(c), (n) => [n.replace('agent_', 'Agent_'), n.toUpperCase()]);
      const file = pickFile(c);
      return file === null ? null : renameFile(c, file, c.rand.pick(['PREDICTED_TASKS.jsonl', 'Predicted_Tasks.jsonl', 'predicted_tasks.JSONL', 'predicted_schedule.json']));
    },
  },
  {
    name: 'hidden-entry',
    apply: (c) => {
      const what = c.rand.pick(['agent', 'wave', 'file', 'ds_store']);
      const agents = agentFolders(c);
      const waves = waveFolders(c);
      if (what === 'agent' && agents.length > 0) {
        const from = c.rand.pick(agents);
        const to = `${from.slice(0, from.indexOf('/'))}/.agent_9`;
        copyFolder(c.tree, from, to);
        return `${from} copied to ${to}`;
      }
      if (what === 'wave' && waves.length > 0) {
        const from = c.rand.pick(waves);
        copyFolder(c.tree, from, '.wave_9');
        return `${from} copied to .wave_9`;
      }
      const file = pickFile(c, TASKS);
      if (file === null) return null;
      const dir = file.slice(0, file.lastIndexOf('/') + 1);
      const to = what === 'ds_store' ? `${dir}.DS_Store` : `${dir}.predicted_tasks.jsonl`;
      c.tree.files.set(to, c.tree.files.get(file) ?? Buffer.alloc(0));
      return `${file} copied to ${to}`;
    },
  },
  {
    name: 'stray-file',
    apply: (c) => {
      const dirs = ['', ...waveFolders(c).map((w) => `${w}/`), ...agentFolders(c).map((a) => `${a}/`)];
      const dir = c.rand.pick(dirs);
      const name = c.rand.pick(['extra.jsonl', 'notes.txt', 'README.md', 'metrics.jsonl', 'system_health.json', 'predicted_tasks.jsonl.bak', 'agent_7/']);
      if (name.endsWith('/')) {
        c.tree.dirs.add(`${dir}${name.slice(0, -1)}`);
      } else {
        const source = pickFile(c, TASKS);
        c.tree.files.set(`${dir}${name}`, source === null ? Buffer.from('{}\n') : (c.tree.files.get(source) ?? Buffer.alloc(0)));
      }
      return `${dir}${name}`;
    },
  },
  {
    name: 'wave-folder-name',
    apply: (c) => {
      const names = ['wave_9007199254740993', 'wave_9007199254740992', 'wave_9007199254740991', 'wave_10000000000000000', `wave_${'9'.repeat(250)}`, 'wave_01', 'wave_0', 'wave_1e3', 'wave_-1', 'wave_ 1'];
      const waves = waveFolders(c);
      if (waves.length === 0) return null;
      const from = c.rand.pick(waves);
      const to = c.rand.pick(names);
      renameFolder(c.tree, from, to);
      if (to === 'wave_10000000000000000') copyFolder(c.tree, to, 'wave_10000000000000001');
      return `${from} -> ${to.length > 40 ? `${to.slice(0, 40)}...` : to}`;
    },
  },
  {
    name: 'agent-folder-name',
    apply: (c) => renameOne(c, agentFolders(c), () => ['agent_0\n', 'agent 0', 'agent_0\u001b[31m', '-agent', 'a'.repeat(70), 'agent_0\u202e', 'agent_0\r', 'agent_1']),
  },
  {
    name: 'link-out',
    posixOnly: true,
    apply: (c) => {
      const agents = agentFolders(c);
      const what = c.rand.pick(['file', 'agent', 'new-agent', 'stray']);
      if ((what === 'agent' || what === 'new-agent') && agents.length > 0) {
        const agent = c.rand.pick(agents);
        const where = what === 'agent' ? agent : `${agent.slice(0, agent.indexOf('/'))}/agent_8`;
        if (what === 'agent') removeUnder(c, agent);
        c.tree.links.set(where, OUTSIDE_DIR);
        return `${where} -> outside folder`;
      }
      if (what === 'stray') {
        c.tree.links.set(c.rand.pick(['.hidden', 'metrics.jsonl', 'notes']), OUTSIDE_DIR);
        return 'a link outside the layout -> outside folder';
      }
      const file = pickFile(c);
      if (file === null) return null;
      c.tree.files.delete(file);
      c.tree.links.set(file, OUTSIDE_FILE);
      return `${file} -> outside secret file`;
    },
  },
  {
    name: 'link-in',
    posixOnly: true,
    apply: (c) => {
      const files = inputFiles(c.tree);
      const agents = agentFolders(c);
      if (c.rand.chance(0.5) && files.length >= 2) {
        const [from, to] = [c.rand.pick(files), c.rand.pick(files)];
        if (from === to) return null;
        c.tree.files.delete(from);
        c.tree.links.set(from, relativeTo(from, to));
        return `${from} -> ${to}`;
      }
      if (agents.length === 0) return null;
      const target = c.rand.pick(agents);
      const where = c.rand.pick(['wave_9', `${target.slice(0, target.indexOf('/'))}/agent_5`]);
      c.tree.links.set(where, where === 'wave_9' ? target.slice(0, target.indexOf('/')) : relativeTo(where, target));
      return `${where} -> ${target}`;
    },
  },
  {
    name: 'link-loop',
    posixOnly: true,
    apply: (c) => {
      const file = pickFile(c);
      const what = c.rand.pick(['self', 'mutual', 'folder']);
      if (what === 'folder' || file === null) {
        c.tree.links.set('wave_7', 'wave_7');
        return 'wave_7 -> wave_7';
      }
      c.tree.files.delete(file);
      const name = file.slice(file.lastIndexOf('/') + 1);
      if (what === 'self') {
        c.tree.links.set(file, name);
        return `${file} -> itself`;
      }
      const other = `${file.slice(0, file.lastIndexOf('/') + 1)}loop.jsonl`;
      c.tree.links.set(file, 'loop.jsonl');
      c.tree.links.set(other, name);
      return `${file} <-> ${other}`;
    },
  },
  {
    name: 'link-broken',
    posixOnly: true,
    apply: (c) => {
      const file = pickFile(c);
      if (file === null) return null;
      c.tree.files.delete(file);
      c.tree.links.set(file, 'nowhere/at/all.jsonl');
      return `${file} -> nowhere`;
    },
  },
  {
    name: 'fifo',
    posixOnly: true,
    apply: (c) => {
      const file = pickFile(c);
      if (file === null) return null;
      c.tree.files.delete(file);
      c.tree.fifos.add(file);
      return `${file} is a named pipe`;
    },
  },
  {
    name: 'mixed-layout',
    apply: (c) => {
      const source = pickFile(c, TASKS);
      const bytes = source === null ? Buffer.from('{}\n') : (c.tree.files.get(source) ?? Buffer.alloc(0));
      const to = c.tree.layout === 'tree' ? TASKS : `wave_1/agent_0/${TASKS}`;
      c.tree.files.set(to, bytes);
      return `added ${to}`;
    },
  },
  {
    name: 'agents-file',
    apply: (c) => {
      const ids = ['agent_0', 'agent_1', 'agent_2'];
      const pick = <T>(items: readonly T[]): T => c.rand.pick(items);
      const agents = ids.map((agent_id) => ({
        agent_id: pick([agent_id, agent_id, '../x', 'agent_0', 'AGENT_0']),
        speed: pick([1, 1e6, 1e300, 1e-300, 5e-324, 0.5, 1e-6]),
        max_concurrency: pick([1, 2, 1e6, 1e15, 0, 2.5]),
        reliability_offset: pick([0, 1, -1, 0.5, -0.99]),
        capabilities: pick([[], ['gpu'], ['\u001b[31m'], 'gpu']),
        ...(c.rand.chance(0.2) ? { 'unknown\nFORGED/agents.json: x: FORGED': 1 } : {}),
      }));
      c.agents = c.rand.chance(0.1) ? pick(['{', '[]', '{"agents": 5}', '\u0000']) : JSON.stringify({ agents });
      return `agents file ${c.agents.length > 200 ? `${c.agents.slice(0, 200)}...` : c.agents}`;
    },
  },
  {
    name: 'option-extremes',
    apply: (c) => {
      const options = c.rand.pick([
        ['--epoch', '8999-12-31T23:59:59.999Z'],
        ['--epoch', '1970-01-01T00:00:00Z'],
        ['--epoch', '9999-01-01T00:00:00Z'],
        ['--epoch', '8990-06-01T00:00:00+14:00'],
        ['--duration-noise', '8.57'],
        ['--duration-noise', '40'],
        ['--max-attempts', '1000'],
        ['--backoff-base', '1e9', '--backoff-cap', '1e9'],
        ['--retry', 'fixed', '--backoff-base', '1e15', '--backoff-cap', '1e15'],
        ['--breaker-cooldown', '1e12'],
        ['--wave-deadline', '1e-9'],
        ['--seed', '-9007199254740991'],
        ['--jitter', 'equal', '--retry', 'linear'],
      ]);
      c.argv.push(...options);
      return options.join(' ');
    },
  },
];

function removeUnder(c: MutationContext, prefix: string): void {
  for (const p of allPaths(c.tree)) {
    if (p === prefix || p.startsWith(`${prefix}/`)) {
      c.tree.files.delete(p);
      c.tree.links.delete(p);
      c.tree.fifos.delete(p);
      c.tree.dirs.delete(p);
    }
  }
}

/** The link text that makes `from` point at `to` (both relative to the input). */
function relativeTo(from: string, to: string): string {
  const up = from.split('/').length - 1;
  return `${'../'.repeat(up)}${to}`;
}
