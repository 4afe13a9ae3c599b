/**
 * Agent profiles (contract section 2, "Agent profiles"): the optional `--agents-file` JSON
 * document `{"agents": [{"agent_id", "max_concurrency", "speed", "reliability_offset",
 * "capabilities"}]}`, and the rule that picks the default file.
 *
 * Any problem in the agents file is an input error in both `--on-invalid` modes: a profile
 * cannot be quarantined without silently changing the simulated world.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import { normalize } from 'node:path';
import { DEFAULT_OPTIONS } from '../options.ts';
import { InputError } from '../errors.ts';
import type { Diagnostic } from '../errors.ts';
import type { AgentProfile } from '../plan/model.ts';
import { AGENT_PROFILE_FIELDS, AGENTS_FILE_FIELDS, AgentsFileSchema } from '../schema/input.ts';
import { errorAt, inputError, warningAt } from './diagnostics.ts';
import { describeValue, issueProblems } from './issues.ts';
import { sortedUnique } from '../util/lists.ts';

/** Largest agents file read, bytes: 16 MiB (a profile is some 100 bytes). */
export const MAX_AGENTS_FILE_BYTES = 16 * 1024 * 1024;

/** The default agents file, relative to the working directory. */
export const DEFAULT_AGENTS_FILE = 'data/agents.json';

/** A parsed, valid agents file. */
export interface AgentsFile {
  /** The path as given. */
  readonly path: string;
  /** SHA-256 of the file's bytes, lowercase hex. */
  readonly sha256: string;
  /** Non-blank lines of the file. */
  readonly lines: number;
  /** Profiles in file order, defaults applied, ids unique. */
  readonly profiles: readonly AgentProfile[];
  /** Unknown fields, each named once. */
  readonly warnings: readonly Diagnostic[];
}

function stripSlashes(path: string): string {
  return normalize(path).replace(/[\\/]+$/, '');
}

/**
 * Which agents file to read. An explicit `agentsFile` always wins. Otherwise
 * {@link DEFAULT_AGENTS_FILE} is used only when `input` is the default input folder
 * (`data/phase20`, compared after path normalisation) and that file exists; else none.
 * @param exists file-existence check (injected for tests); default `fs.existsSync`
 */
export function resolveAgentsFile(input: string, agentsFile: string | null, exists: (path: string) => boolean = existsSync): string | null {
  if (agentsFile !== null) return agentsFile;
  if (stripSlashes(input) !== stripSlashes(DEFAULT_OPTIONS.input)) return null;
  return exists(DEFAULT_AGENTS_FILE) ? DEFAULT_AGENTS_FILE : null;
}

function countNonBlankLines(text: string): number {
  let count = 0;
  for (const line of text.split('\n')) if (line.trim() !== '' && line !== '\uFEFF') count++;
  return count;
}

/**
 * Reads and validates an agents file.
 * @returns the profiles and their file's hash; unknown fields as warnings
 * @throws InputError when the file cannot be read, is not a regular file, is larger than
 *   {@link MAX_AGENTS_FILE_BYTES}, is not UTF-8 or not JSON, breaks the schema
 *   (e.g. `agents.json: agents[2].speed: must be > 0, got 0`) or repeats an agent_id
 */
export async function loadAgentsFile(path: string): Promise<AgentsFile> {
  let bytes: Buffer;
  try {
    // A special file (a FIFO, /dev/zero) would block or never end: only a regular file of sane size is read.
    const info = await stat(path);
    if (!info.isFile()) throw inputError([errorAt(path, null, '(file)', 'must be a regular file')]);
    if (info.size > MAX_AGENTS_FILE_BYTES) throw inputError([errorAt(path, null, '(file)', `larger than ${MAX_AGENTS_FILE_BYTES} bytes`)]);
    bytes = await readFile(path);
  } catch (error: unknown) {
    if (error instanceof InputError) throw error;
    const code = error instanceof Error && 'code' in error ? String(error.code) : 'error';
    throw inputError([errorAt(path, null, '(file)', code === 'ENOENT' ? 'agents file not found' : `cannot read (${code})`)]);
  }
  if (!isUtf8(bytes)) throw inputError([errorAt(path, null, '(file)', 'not valid UTF-8')]);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  let text = bytes.toString('utf8');
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error: unknown) {
    throw inputError([errorAt(path, null, '(file)', `invalid JSON: ${error instanceof Error ? error.message : String(error)}`)]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw inputError([errorAt(path, null, '(file)', `must be a JSON object {"agents": [...]}, got ${describeValue(raw)}`)]);
  }
  const parsed = AgentsFileSchema.safeParse(raw);
  if (!parsed.success) {
    throw inputError(issueProblems(parsed.error, raw).map((p) => errorAt(path, null, p.field === '(line)' ? '(file)' : p.field, p.problem)));
  }

  const problems: Diagnostic[] = [];
  const firstIndex = new Map<string, number>();
  const profiles: AgentProfile[] = [];
  parsed.data.agents.forEach((entry, i) => {
    const earlier = firstIndex.get(entry.agent_id);
    if (earlier !== undefined) {
      problems.push(errorAt(path, null, `agents[${i}].agent_id`, `duplicate of agents[${earlier}] (${JSON.stringify(entry.agent_id)})`));
      return;
    }
    firstIndex.set(entry.agent_id, i);
    profiles.push({
      agentId: entry.agent_id,
      maxConcurrency: entry.max_concurrency,
      speed: entry.speed,
      reliabilityOffset: entry.reliability_offset,
      capabilities: sortedUnique(entry.capabilities),
      ...(entry.command === undefined ? {} : { command: entry.command }),
    });
  });
  if (problems.length > 0) throw inputError(problems);
  return { path, sha256, lines: countNonBlankLines(text), profiles, warnings: unknownFields(path, raw) };
}

function unknownFields(path: string, raw: object): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const field of Object.keys(raw)) if (!AGENTS_FILE_FIELDS.has(field)) out.push(warningAt(path, null, field, 'unknown field ignored'));
  const agents = (raw as { readonly agents?: unknown }).agents;
  if (!Array.isArray(agents)) return out;
  const counts = new Map<string, { count: number; readonly first: number }>();
  agents.forEach((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null) return;
    for (const field of Object.keys(entry)) {
      if (AGENT_PROFILE_FIELDS.has(field)) continue;
      const seen = counts.get(field);
      if (seen === undefined) counts.set(field, { count: 1, first: i });
      else seen.count++;
    }
  });
  for (const [field, { count, first }] of counts) {
    out.push(warningAt(path, null, `agents[${first}].${field}`, `unknown field ignored (in ${count} profile${count === 1 ? '' : 's'})`));
  }
  return out;
}

/**
 * Keeps the profiles of agents present in the input; each other profile is a warning
 * (`agents.json: agents[3].agent_id: "agent_9" has no predictions in the input; profile ignored`).
 */
export function selectProfiles(file: AgentsFile, inputAgents: ReadonlySet<string>): { readonly profiles: ReadonlyMap<string, AgentProfile>; readonly warnings: readonly Diagnostic[] } {
  const profiles = new Map<string, AgentProfile>();
  const warnings: Diagnostic[] = [];
  file.profiles.forEach((profile, i) => {
    if (inputAgents.has(profile.agentId)) profiles.set(profile.agentId, profile);
    else warnings.push(warningAt(file.path, null, `agents[${i}].agent_id`, `${JSON.stringify(profile.agentId)} has no predictions in the input; profile ignored`));
  });
  return { profiles, warnings };
}
