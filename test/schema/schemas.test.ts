import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDiff, diffSchemas, main, renderSchemaFiles, SCHEMA_DOCUMENTS, SCHEMAS_DIR, writeSchemas } from '../../scripts/schemas.ts';
import { DEFAULT_OPTIONS, SCHEMA_VERSION, type RunOptions } from '../../src/options.ts';
import { runPhase21 } from '../../src/pipeline.ts';
import { SILENT_PROGRESS } from '../../src/ports.ts';
import { ARTIFACTS, artifactsMatching, type ArtifactEntry } from '../../src/schema/artifacts.ts';
import { firstFailure, walk } from '../helpers/artifacts.ts';

const ENV = { clock: { now: () => new Date(0) }, progress: SILENT_PROGRESS, version: 'test' };
/** The committed sample run input and agent profiles, independent of the cwd. */
const DATA = fileURLToPath(new URL('../../data/', import.meta.url));
const BAD_LINE = '{"task_id":"bad-1","agent_id":"agent_0","predicted_success_probability":1.5}';

let tmp = '';
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'phase21-schemas-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function capture(): { io: { stdout: { write(s: string): boolean }; stderr: { write(s: string): boolean } }; err: () => string } {
  const err: string[] = [];
  return {
    io: { stdout: { write: () => true }, stderr: { write: (s: string) => err.push(s) > 0 } },
    err: () => err.join(''),
  };
}

describe('committed schemas/', () => {
  it('equals what the generator produces now', () => {
    const diff = describeDiff(diffSchemas(SCHEMAS_DIR, renderSchemaFiles()));
    expect(diff, 'schemas/ is out of date with the zod schemas: run `npm run schemas` and commit the result').toEqual([]);
  });

  it('gives each artifact a 2020-12 schema naming it, one line per JSONL record', () => {
    const text = fs.readFileSync(path.join(SCHEMAS_DIR, 'executed_tasks.schema.json'), 'utf8');
    const schema = JSON.parse(text) as Record<string, unknown>;
    expect(Object.keys(schema).slice(0, 5)).toEqual(['$schema', '$id', 'title', 'description', 'type']);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toBe('urn:phase21-harness:schema:executed_tasks');
    expect(schema.title).toBe('wave_<w>/agent_<a>/executed_tasks.jsonl');
    expect(schema.description).toContain('this schema describes one line of wave_<w>/agent_<a>/executed_tasks.jsonl');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required).toContain('attempt_log');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "$schema": "https://json-schema.org/draft/2020-12/schema",');
  });

  it('writes one file per registered artifact and one for the config file, with unique names', () => {
    const files = renderSchemaFiles().map((f) => f.file);
    expect(files).toHaveLength(SCHEMA_DOCUMENTS.length + 1);
    expect(SCHEMA_DOCUMENTS.length).toBe(ARTIFACTS.length + 2);
    expect(files.at(-1)).toBe('config.schema.json');
    expect(files).toContain('task_outcomes.schema.json');
    expect(files).toContain('comparison.schema.json');
    expect(files).toContain('tournament.schema.json');
    expect(files).toContain('run.schema.json');
    expect(new Set(files).size).toBe(files.length);
  });
});

describe('npm run schemas', () => {
  it('writes the folder, removes stale schema files only, and --check lists what differs', () => {
    const dir = path.join(tmp, 'gen');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'old.schema.json'), '{}\n');
    fs.writeFileSync(path.join(dir, 'README.md'), 'kept\n');
    const first = capture();
    expect(main(['--dir', dir], first.io)).toBe(0);
    expect(first.err()).toContain(`${SCHEMA_DOCUMENTS.length + 1} written, 0 unchanged, 1 stale removed`);
    expect(fs.readdirSync(dir).sort()).toEqual([...renderSchemaFiles().map((f) => f.file), 'README.md'].sort());
    expect(describeDiff(diffSchemas(dir, renderSchemaFiles()))).toEqual([]);

    fs.appendFileSync(path.join(dir, 'run.schema.json'), ' ');
    fs.rmSync(path.join(dir, 'anomalies.schema.json'));
    fs.writeFileSync(path.join(dir, 'extra.schema.json'), '{}\n');
    const check = capture();
    expect(main(['--check', '--dir', dir], check.io)).toBe(1);
    expect(check.err()).toContain('run `npm run schemas`');
    expect(check.err()).toContain('  missing: anomalies.schema.json\n  differs: run.schema.json\n  stale: extra.schema.json\n');
    // --check wrote nothing.
    expect(fs.existsSync(path.join(dir, 'anomalies.schema.json'))).toBe(false);

    const again = writeSchemas(dir, renderSchemaFiles());
    expect(again).toEqual({ missing: ['anomalies.schema.json'], changed: ['run.schema.json'], stale: ['extra.schema.json'] });
    expect(main(['--check', '--dir', dir], capture().io)).toBe(0);
  });

  it('refuses an unknown option with exit 2', () => {
    const out = capture();
    expect(main(['--nope'], out.io)).toBe(2);
    expect(out.err()).toMatch(/^schemas: error: .*--nope/);
  });
});

describe('artifact registry', () => {
  const nameOf = (p: string): string[] => artifactsMatching(p).map((a) => a.schemaFile);

  it('matches wave and agent folders by pattern and nothing else', () => {
    expect(nameOf('wave_12/agent_10/executed_tasks.jsonl')).toEqual(['executed_tasks.schema.json']);
    expect(nameOf('wave_3/agent_x.y-z/agent_metrics.jsonl')).toEqual(['agent_metrics.schema.json']);
    expect(nameOf('wave_3\\agent_1\\agent_assignments.jsonl')).toEqual(['agent_assignments.schema.json']);
    expect(nameOf('wave_1/gate_decisions.jsonl')).toEqual(['gate_decisions.schema.json']);
    expect(nameOf('feedback/phase18/coordination_feedback.jsonl')).toEqual(['coordination_feedback.schema.json']);
    expect(nameOf('wave_0/wave_summary.json')).toEqual([]);
    expect(nameOf('wave_1/agent_1/gate_decisions.jsonl')).toEqual([]);
    expect(nameOf('feedback/phase16/other.jsonl')).toEqual([]);
    expect(nameOf('xrun.json')).toEqual([]);
    expect(nameOf('run_json')).toEqual([]);
  });
});

describe('the artifact checker', () => {
  it('names the first bad record by file:line:field, a stripped or reordered key, and an unregistered file', () => {
    const out = path.join(tmp, 'fake');
    fs.mkdirSync(path.join(out, 'wave_1'), { recursive: true });
    const good = { schema_version: SCHEMA_VERSION, wave: 1, task_id: 't1', agent_id: 'agent_0', attempt: 0, time: null, decision: 'allow', gate: null, gate_reason: null };
    const bad = { ...good, attempt: -1 };
    fs.writeFileSync(path.join(out, 'wave_1', 'gate_decisions.jsonl'), `${JSON.stringify(good)}\n${JSON.stringify(bad)}\n`);
    const seen = new Set<ArtifactEntry>();
    expect(firstFailure(out, seen)).toMatch(/^wave_1\/gate_decisions\.jsonl:2: attempt: .*>=0/);
    fs.writeFileSync(path.join(out, 'wave_1', 'gate_decisions.jsonl'), `${JSON.stringify(good)}\n`);
    expect(firstFailure(out, seen)).toBeNull();
    const anomaly = {
      schema_version: SCHEMA_VERSION,
      anomaly_id: 'w1-load_imbalance-all',
      wave: 1,
      type: 'load_imbalance',
      severity: 'LOW',
      subject: 'all',
      message: 'm',
      evidence: { busiest_agent_id: 'agent_0', max_busy_s: 10, mean_busy_s: 5, max_mean_busy_ratio: 2, thresholds: { max_mean_busy_ratio: 1.5 } },
    };
    fs.writeFileSync(path.join(out, 'anomalies.jsonl'), `${JSON.stringify(anomaly)}\n${JSON.stringify({ ...anomaly, evidence: { ...anomaly.evidence, extra: 1 } })}\n`);
    expect(firstFailure(out, seen)).toBe('anomalies.jsonl:2: keys differ from the schema (unknown key or key order) (anomalies.schema.json)');
    const { schema_version, ...rest } = anomaly;
    fs.writeFileSync(path.join(out, 'anomalies.jsonl'), `${JSON.stringify({ ...rest, schema_version })}\n`);
    expect(firstFailure(out, seen)).toBe('anomalies.jsonl:1: keys differ from the schema (unknown key or key order) (anomalies.schema.json)');
    fs.writeFileSync(path.join(out, 'anomalies.jsonl'), `${JSON.stringify(anomaly)}\n`);
    expect(firstFailure(out, seen)).toBeNull();
    fs.writeFileSync(path.join(out, 'notes.txt'), 'x');
    expect(firstFailure(out, seen)).toBe('notes.txt: matches 0 registry entries (); register it in src/schema/artifacts.ts');
  });
});

async function runInto(name: string, overrides: Partial<RunOptions>): Promise<string> {
  const out = path.join(tmp, name, 'out');
  const options: RunOptions = {
    ...DEFAULT_OPTIONS,
    input: path.join(DATA, 'phase20'),
    agentsFile: path.join(DATA, 'agents.json'),
    out,
    reportDir: path.join(tmp, name, 'reports'),
    ...overrides,
  };
  await runPhase21(options, ENV);
  return out;
}

describe('artifacts of a real run', () => {
  const covered = new Set<ArtifactEntry>();

  it('full run on data/phase20: every file is registered and every record passes its schema', async () => {
    const out = await runInto('full', {});
    expect(firstFailure(out, covered)).toBeNull();
    expect(walk(out)).toContain('wave_3/agent_3/executed_tasks.jsonl');
    // 3 waves of 200 distinct task ids each: one outcome row per task was checked.
    expect(fs.readFileSync(path.join(out, 'task_outcomes.jsonl'), 'utf8').split('\n')).toHaveLength(600 + 1);
  });

  it('quarantine run with one bad line: rejected.jsonl holds it and validates', async () => {
    const input = path.join(tmp, 'bad-input');
    fs.cpSync(path.join(DATA, 'phase20', 'wave_1'), path.join(input, 'wave_1'), { recursive: true });
    const target = path.join(input, 'wave_1', 'agent_0', 'predicted_tasks.jsonl');
    const lines = fs.readFileSync(target, 'utf8').split('\n').filter((l) => l !== '').length;
    fs.appendFileSync(target, `${BAD_LINE}\n`);
    const out = await runInto('quarantine', { input, onInvalid: 'quarantine' });
    expect(firstFailure(out, covered)).toBeNull();
    const rejected = fs.readFileSync(path.join(out, 'rejected.jsonl'), 'utf8').split('\n').filter((l) => l !== '');
    expect(rejected).toHaveLength(1);
    const record = JSON.parse(rejected[0] ?? '{}') as { line: number; raw: string };
    expect(record.line).toBe(lines + 1);
    expect(record.raw).toBe(BAD_LINE);
  });

  it('dry run: assignments, untimed gate decisions and the planned manifest pass their schemas', async () => {
    const out = await runInto('dry', { dryRun: true, waves: 1 });
    expect(firstFailure(out, covered)).toBeNull();
    expect(walk(out).some((f) => f.endsWith('executed_tasks.jsonl'))).toBe(false);
  });

  it('between them the runs wrote every registered artifact', () => {
    const missing = ARTIFACTS.filter((a) => !covered.has(a)).map((a) => a.artifact);
    expect(missing).toEqual([]);
  });
});
