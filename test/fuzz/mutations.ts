/**
 * The fuzz test's mutations: each edits a real-like input (a {@link FuzzTree}), the command line
 * or the agents file in one hostile way, with its parameters drawn from the case's generator,
 * and says what it did (printed with the case's seed when the case fails, to replay it).
 */
import type { FuzzTree, Rand } from './tree.ts';

/** What a mutation may change. */
export interface MutationContext {
  readonly tree: FuzzTree;
  readonly rand: Rand;
  /** Extra command-line arguments. */
  readonly argv: string[];
  /** The agents file's text, when the case has one. */
  agents: string | null;
}

/** One kind of hostile change; `apply` returns a description, or null when it found nothing to change. */
export interface Mutation {
  readonly name: string;
  /** Needs symbolic links or named pipes, which Windows does not give a test without privileges. */
  readonly posixOnly?: boolean;
  apply(c: MutationContext): string | null;
}

/** The forged diagnostic a field name tries to print as a line of its own. */
export const FORGED = 'x\nFORGED/wave_9/agent_0/predicted_tasks.jsonl:1: task_id: FORGED';

const TASKS = 'predicted_tasks.jsonl';
const SCHEDULE = 'predicted_schedule.jsonl';
const RAW = '\u0000RAW\u0000';

/** The input files of the tree (of file name `name`, when given). */
export function inputFiles(tree: FuzzTree, name?: string): string[] {
  return [...tree.files.keys()].filter((p) => (name === undefined ? p.endsWith(TASKS) || p.endsWith(SCHEDULE) : p.endsWith(name)));
}

/** Edits one random non-empty line of a random input file (of `name`, when given) with `edit`. */
function editLine(c: MutationContext, name: string | undefined, edit: (line: string) => string): string | null {
  const files = inputFiles(c.tree, name);
  if (files.length === 0) return null;
  const file = c.rand.pick(files);
  const lines = (c.tree.files.get(file) ?? Buffer.alloc(0)).toString('utf8').split('\n');
  const candidates = lines.map((l, i) => (l.trim() === '' ? -1 : i)).filter((i) => i >= 0);
  if (candidates.length === 0) return null;
  const index = c.rand.pick(candidates);
  lines[index] = edit(lines[index] ?? '');
  c.tree.files.set(file, Buffer.from(lines.join('\n')));
  return `${file}:${index + 1}`;
}

/** Edits one random row as an object; `set` returns the new line's text (use {@link withRaw} for raw JSON values). */
function editRow(c: MutationContext, name: string | undefined, set: (row: Record<string, unknown>) => string): string | null {
  return editLine(c, name, (line) => {
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch {
      return line;
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) return line;
    try {
      return set(row as Record<string, unknown>);
    } catch {
      return line; // a row nested too deep to serialise again (an earlier deep-nesting mutation)
    }
  });
}

/** The row with `field` set to the JSON text `raw`, written as is (`9007199254740993`, `NaN`, deep nesting). */
export function withRaw(row: Record<string, unknown>, field: string, raw: string): string {
  return JSON.stringify({ ...row, [field]: RAW }).replace(JSON.stringify(RAW), raw);
}

function rawMutation(name: string, file: string | undefined, fields: readonly string[], values: readonly string[]): Mutation {
  return {
    name,
    apply: (c) => {
      const field = c.rand.pick(fields);
      const value = c.rand.pick(values);
      const where = editRow(c, file, (row) => withRaw(row, field, value));
      return where === null ? null : `${where}: ${field} = ${value.length > 60 ? `${value.slice(0, 60)}... (${value.length} chars)` : value}`;
    },
  };
}

function nested(depth: number, open: string, close: string): string {
  return `${open.repeat(depth)}${close.repeat(depth)}`;
}

const NUMERIC_FIELDS = ['predicted_success_probability', 'predicted_execution_time', 'confidence_delta_estimate', 'predicted_start_time', 'predicted_end_time', 'priority', 'wave'];

/** Mutations of one line of an input file. */
export const LINE_MUTATIONS: readonly Mutation[] = [
  rawMutation('exec-time', TASKS, ['predicted_execution_time'], ['1e13', '8e12', '5e12', '1e9', '1000000001', '5e-324', '1e-300', '0', '-0', '-1', '1e308', '2.5']),
  rawMutation('timestamp', undefined, ['timestamp'], [
    '"9999-12-31T23:59:59.999Z"', '"8999-12-31T23:59:59.999Z"', '"1970-01-01T00:00:00Z"', '"1969-12-31T23:59:59Z"', '"0000-01-01T00:00:00Z"',
    '"+010000-01-01T00:00:00Z"', '"2026-02-30T00:00:00Z"', '"8999-12-31T23:00:00-23:59"', '"2026-01-01T00:00:00"', '"yesterday"', '1e300',
  ]),
  rawMutation('schedule-time', SCHEDULE, ['predicted_start_time', 'predicted_end_time'], ['1e300', '1e12', '1000000000001', '-1', '0', '5e-324', '1e-300']),
  rawMutation('wave-field', undefined, ['wave'], ['9007199254740991', '9007199254740993', '1e16', '0', '-1', '1.5', '"1"', 'null', '1e300', '2', '18446744073709551616']),
  rawMutation('non-finite', undefined, NUMERIC_FIELDS, ['NaN', 'Infinity', '-Infinity', '1e400', '-1e400', '-0']),
  rawMutation('huge-string', undefined, ['reasoning', 'task_id', 'notes', 'agent_id', 'status', 'risk_assessment'], [
    JSON.stringify('x'.repeat(129)), JSON.stringify('r'.repeat(300_000)), JSON.stringify('😀'.repeat(50_000)), JSON.stringify('\\'.repeat(10_000)),
  ]),
  rawMutation('deep-nesting', undefined, ['depends_on', 'extra', 'reasoning', 'task_id'], [nested(2_000, '[', ']'), nested(100_000, '[', ']'), `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`]),
  rawMutation('traversal-id', undefined, ['agent_id', 'task_id'], ['"../x"', '"../../etc/passwd"', '"/etc/passwd"', '"a/b"', '".."', '"."', '"agent_0/../agent_1"', '"C:\\\\x"', '"agent_0\\u0000"', '""']),
  rawMutation('type-confusion', undefined, ['task_id', 'agent_id', 'predicted_success_probability', 'predicted_execution_time', 'risk_assessment', 'priority', 'depends_on', 'timestamp', 'wave'], [
    '{}', '[]', '"str"', 'true', 'null', '{"a":1}', '[1,2]', '"0.5"', '1',
  ]),
  rawMutation('control-chars', undefined, ['task_id', 'reasoning', 'agent_id', 'status', 'risk_assessment', 'timestamp'], [
    '"t\\u001b[31mred"', '"t\\nFORGED: x"', '"t\\r\\nwave_9:1: x: FORGED"', '"\\u0007bell"', '"a\\u202egnp.exe"', '"a\\u2028b"', '"\\u0000"', '"\\u009b31m"', '"\\ud800"',
  ]),
  {
    name: 'truncate-line',
    apply: (c) => {
      let cut = 0;
      const where = editLine(c, undefined, (line) => {
        cut = c.rand.int(0, Math.max(0, line.length - 1));
        return line.slice(0, cut);
      });
      return where === null ? null : `${where}: cut at ${cut}`;
    },
  },
  {
    name: 'raw-control-line',
    apply: (c) => {
      const bytes = c.rand.pick(['\u001b[2J', '\u0007', '\u0000', '\r', '\u001b]0;pwned\u0007', '\u009b', '\u2028']);
      let at = 0;
      const where = editLine(c, undefined, (line) => {
        at = c.rand.int(0, line.length);
        return `${line.slice(0, at)}${bytes}${line.slice(at)}`;
      });
      return where === null ? null : `${where}: ${JSON.stringify(bytes)} at ${at}`;
    },
  },
  {
    name: 'forged-field',
    apply: (c) => editRow(c, undefined, (row) => JSON.stringify({ ...row, [FORGED]: 1, 'esc\u001b[2J\u001b[Hfield': 2 })),
  },
  {
    name: 'many-unknown-fields',
    apply: (c) => {
      const n = c.rand.int(21, 80);
      return editRow(c, undefined, (row) => JSON.stringify({ ...row, ...Object.fromEntries(Array.from({ length: n }, (_, i) => [`unknown_${i}`, i])) }));
    },
  },
  {
    name: 'duplicate-keys',
    apply: (c) => {
      const key = c.rand.pick(['task_id', 'agent_id', 'predicted_success_probability', 'wave']);
      const value = c.rand.pick(['"dup"', '0.5', '2', 'null', '"agent_9"']);
      return editLine(c, undefined, (line) => line.replace(/^\{/, `{"${key}": ${value}, `));
    },
  },
  {
    name: 'proto-keys',
    apply: (c) => editRow(c, undefined, (row) => JSON.stringify(row).replace(/^\{/, '{"__proto__": {"polluted": 1}, "constructor": {"prototype": {"x": 1}}, "toString": 1, ')),
  },
  {
    name: 'remove-field',
    apply: (c) => {
      const field = c.rand.pick(['task_id', 'agent_id', 'predicted_success_probability', 'predicted_start_time', 'predicted_end_time', 'wave']);
      const where = editRow(c, undefined, (row) => JSON.stringify(Object.fromEntries(Object.entries(row).filter(([key]) => key !== field))));
      return where === null ? null : `${where}: without ${field}`;
    },
  },
  {
    name: 'duplicate-line',
    apply: (c) => {
      let copied = '';
      const where = editLine(c, undefined, (line) => {
        copied = line;
        return `${line}\n${line}`;
      });
      return where === null ? null : `${where}: repeated (${copied.length} chars)`;
    },
  },
];

export function pickFile(c: MutationContext, name?: string): string | null {
  const files = inputFiles(c.tree, name);
  return files.length === 0 ? null : c.rand.pick(files);
}

/** Mutations of a file's bytes. */
export const BYTE_MUTATIONS: readonly Mutation[] = [
  {
    name: 'truncate-file',
    apply: (c) => {
      const file = pickFile(c);
      if (file === null) return null;
      const bytes = c.tree.files.get(file) ?? Buffer.alloc(0);
      const at = c.rand.int(0, bytes.length);
      c.tree.files.set(file, bytes.subarray(0, at));
      return `${file}: cut at byte ${at} of ${bytes.length}`;
    },
  },
  {
    name: 'byte-flip',
    apply: (c) => {
      const file = pickFile(c);
      if (file === null) return null;
      const bytes = Buffer.from(c.tree.files.get(file) ?? Buffer.alloc(0));
      if (bytes.length === 0) return null;
      const flips: string[] = [];
      for (let i = c.rand.int(1, 4); i > 0; i--) {
        const at = c.rand.int(0, bytes.length - 1);
        const mask = c.rand.int(1, 255);
        bytes[at] = (bytes[at] ?? 0) ^ mask;
        flips.push(`${at}^${mask}`);
      }
      c.tree.files.set(file, bytes);
      return `${file}: ${flips.join(', ')}`;
    },
  },
  {
    name: 'invalid-utf8',
    apply: (c) => {
      const file = pickFile(c);
      if (file === null) return null;
      const bytes = c.tree.files.get(file) ?? Buffer.alloc(0);
      const bad = c.rand.pick([[0xff], [0xc3, 0x28], [0xed, 0xa0, 0x80], [0xf8, 0x88, 0x80, 0x80, 0x80], [0xc0, 0xaf], [0xe2, 0x82]]);
      const at = c.rand.int(0, bytes.length);
      c.tree.files.set(file, Buffer.concat([bytes.subarray(0, at), Buffer.from(bad), bytes.subarray(at)]));
      return `${file}: ${bad.map((b) => b.toString(16)).join(' ')} at byte ${at}`;
    },
  },
  {
    name: 'bom-crlf-blank',
    apply: (c) => {
      const file = pickFile(c);
      if (file === null) return null;
      let text = (c.tree.files.get(file) ?? Buffer.alloc(0)).toString('utf8');
      const what = c.rand.pick(['bom', 'crlf', 'blank', 'no-final-newline', 'all']);
      if (what === 'bom' || what === 'all') text = `\uFEFF${text}`;
      if (what === 'crlf' || what === 'all') text = text.replace(/\n/g, '\r\n');
      if (what === 'blank' || what === 'all') text = text.replace(/\n/, '\n\n   \n\t\n');
      if (what === 'no-final-newline' || what === 'all') text = text.replace(/\r?\n$/, '');
      c.tree.files.set(file, Buffer.from(text));
      return `${file}: ${what}`;
    },
  },
  {
    name: 'empty-file',
    apply: (c) => {
      const file = pickFile(c);
      if (file === null) return null;
      const text = c.rand.pick(['', '\n\n', ' ', '\uFEFF', '\r\n']);
      c.tree.files.set(file, Buffer.from(text));
      return `${file}: ${JSON.stringify(text)}`;
    },
  },
];

