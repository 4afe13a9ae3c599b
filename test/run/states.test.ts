/**
 * Run states, cancel, the abort policy and --resume (contract section 12), in-process on the
 * three-wave input of ./helpers.ts.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutputError, ResumeError, UsageError } from '../../src/errors.ts';
import { acquireOutputLock } from '../../src/io/lock.ts';
import { failingFs, NODE_OUTPUT_FS } from '../../src/io/output-fs.ts';
import { parseJsonl, readJson, readJsonl, removeTempDirs } from '../e2e/helpers.ts';
import type { RunDirs } from '../e2e/helpers.ts';
import { artifactsOf, freshDirs, leftovers, progressCalling, run, smallOptions, testEnv, writeSmallInput, type SmallInput } from './helpers.ts';

afterAll(removeTempDirs);

let small: SmallInput;
let referenceDirs: RunDirs;
let reference = new Map<string, string>();

beforeAll(async () => {
  small = writeSmallInput();
  referenceDirs = freshDirs();
  await run(smallOptions(small, referenceDirs));
  reference = artifactsOf(referenceDirs);
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(error instanceof Error)) throw new Error('expected the run to fail');
  return error;
}

describe('a completed run', () => {
  it('run.json: completed, snake_case options, every file listed, the waves finished', () => {
    const manifest = readJson(referenceDirs.out, 'run.json');
    expect(manifest).toMatchObject({ status: 'completed', reason: null, waves: [1, 2, 3], waves_finished: 3, resumes: [], finished_at: '2026-03-01T12:00:00.000Z' });
    const options = manifest.options as Record<string, unknown>;
    expect(options).toMatchObject({ report_dir: referenceDirs.report, max_attempts: 3, backoff_base: 2, breaker_threshold: 2, breaker_cooldown: 40, allow_high_risk: false, abort_on_failure_rate: null });
    for (const key of Object.keys(options)) expect(key).toMatch(/^[a-z0-9_]+$/);
    const listed = manifest.artifacts as string[];
    const onDisk = [...reference.keys()].filter((k) => k.startsWith('out/')).map((k) => k.slice(4));
    expect(listed).toEqual([...onDisk, 'run.json'].sort());
    expect(leftovers(referenceDirs.out)).toEqual([]);
  });

  it('events.jsonl: numbered, in simulated-time order, with run, wave, checkpoint and circuit events', () => {
    const events = readJsonl(referenceDirs.out, 'events.jsonl');
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const times = events.map((e) => e.time_s as number);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('run_started');
    expect(types.at(-1)).toBe('run_completed');
    expect(types.filter((t) => t === 'checkpoint_written')).toHaveLength(3);
    for (const type of ['circuit_opened', 'circuit_half_open', 'circuit_closed', 'task_rerouted', 'task_stolen']) expect(types, type).toContain(type);
    // Every steal event names a task, its victim and its thief, as the outcomes count them.
    const stolen = events.filter((e) => e.type === 'task_stolen');
    expect(stolen.every((e) => typeof e.task_id === 'string' && e.from_agent_id !== e.to_agent_id && e.agent_id === null)).toBe(true);
    const steals = readJsonl(referenceDirs.out, 'task_outcomes.jsonl').reduce((n, r) => n + Number(r.steals), 0);
    expect(stolen).toHaveLength(steals);
    const reroute = events.find((e) => e.type === 'task_rerouted');
    expect(reroute).toMatchObject({ agent_id: null });
    expect(reroute?.from_agent_id).not.toBe(reroute?.to_agent_id);
    // A reroute leaves an agent whose circuit opened before it.
    const opened = events.filter((e) => e.type === 'circuit_opened' && e.agent_id === reroute?.from_agent_id && (e.seq as number) < (reroute?.seq as number));
    expect(opened.length).toBeGreaterThan(0);
    // The summary counts the same circuit openings and reroutes as the events.
    const totals = readJson(referenceDirs.out, 'phase21_execution_summary.json').totals as Record<string, number>;
    expect(types.filter((t) => t === 'circuit_opened')).toHaveLength(totals.circuit_openings ?? -1);
    expect(types.filter((t) => t === 'task_rerouted')).toHaveLength(totals.reroutes ?? -1);
  });

  it('checkpoint.json: the last wave, and the sha256 of every file but run.json and itself', () => {
    const checkpoint = readJson(referenceDirs.out, 'checkpoint.json');
    expect(checkpoint).toMatchObject({ wave: 3, waves_finished: 3 });
    const files = checkpoint.files as { path: string; bytes: number; stream: boolean }[];
    const onDisk = [...reference.keys()].filter((k) => k.startsWith('out/')).map((k) => k.slice(4));
    // task_outcomes.parquet is not checkpointed: --resume rebuilds it from task_outcomes.jsonl.
    const late = ['anomalies.jsonl', 'checkpoint.json', 'phase21_execution_summary.json', 'phase21_system_health.json', 'task_outcomes.parquet'];
    expect(files.map((f) => f.path)).toEqual(onDisk.filter((f) => !late.includes(f)));
    // Streams are recorded as at the checkpoint: events.jsonl gets run_completed afterwards.
    const events = files.find((f) => f.path === 'events.jsonl');
    const text = readFileSync(path.join(referenceDirs.out, 'events.jsonl'), 'utf8');
    expect(events?.stream).toBe(true);
    expect(text.slice(0, events?.bytes).split('\n').filter((l) => l !== '')).toHaveLength((checkpoint.events_written as number));
    expect(parseJsonl(text.slice(events?.bytes))).toMatchObject([{ type: 'run_completed' }]);
  });
});

describe('cancel', () => {
  it('stops after the wave in which the signal fired: run.json canceled with the reason, the checkpoint of that wave; --resume gives the uninterrupted bytes', async () => {
    const dirs = freshDirs();
    const controller = new AbortController();
    const progress = progressCalling((wave) => {
      if (wave === 1) controller.abort('SIGTERM');
    });
    const result = await run(smallOptions(small, dirs), testEnv({ progress, signal: controller.signal }));
    expect(result).toMatchObject({ status: 'canceled', waves: 1 });
    const manifest = readJson(dirs.out, 'run.json');
    expect(manifest).toMatchObject({ status: 'canceled', reason: 'canceled by SIGTERM; --resume continues it', waves_finished: 1 });
    expect(readJson(dirs.out, 'checkpoint.json').wave).toBe(1);
    expect(readJsonl(dirs.out, 'events.jsonl').at(-1)).toMatchObject({ type: 'run_canceled', reason: 'canceled by SIGTERM; --resume continues it' });
    expect(existsSync(path.join(dirs.out, 'wave_2'))).toBe(false);
    expect(existsSync(path.join(dirs.out, 'phase21_execution_summary.json'))).toBe(false);
    expect(leftovers(dirs.out)).toEqual([]);

    const resumed = await run(smallOptions(small, dirs, { resume: true }));
    expect(resumed.status).toBe('completed');
    expect(artifactsOf(dirs)).toEqual(reference);
    expect(readJson(dirs.out, 'run.json')).toMatchObject({
      status: 'completed',
      resumes: [{ resumed_at: '2026-03-01T12:00:00.000Z', previous_status: 'canceled', from_wave: 2 }],
    });
  });

  it('a signal that fired before the first wave cancels the run before it; --resume then runs every wave', async () => {
    const dirs = freshDirs();
    const controller = new AbortController();
    controller.abort('SIGINT');
    const result = await run(smallOptions(small, dirs), testEnv({ signal: controller.signal }));
    expect(result).toMatchObject({ status: 'canceled', waves: 0, health: null });
    expect(readJson(dirs.out, 'run.json')).toMatchObject({ status: 'canceled', waves_finished: 0 });
    const resumed = await run(smallOptions(small, dirs, { resume: true }));
    expect(resumed.status).toBe('completed');
    expect(artifactsOf(dirs)).toEqual(reference);
  });
});

describe('--abort-on-failure-rate', () => {
  it('after a wave above the rate no further wave starts; summaries and report cover the waves that ran and say why', async () => {
    const dirs = freshDirs();
    const perWave = (readJson(referenceDirs.out, 'phase21_execution_summary.json').waves as { wave: number; tasks: number; failed: number; blocked: number }[]).map(
      (w) => (w.failed + w.blocked) / w.tasks,
    );
    // A rate just below the largest per-wave failure share stops the run after the first wave above it.
    const rate = Math.max(...perWave) - 0.01;
    const k = perWave.findIndex((share) => share > rate);
    expect(k).toBeGreaterThanOrEqual(0);
    expect(k).toBeLessThan(2);
    const wave = k + 1;
    const share = perWave[k] ?? 0;
    const result = await run(smallOptions(small, dirs, { abortOnFailureRate: rate }));
    expect(result).toMatchObject({ status: 'aborted', waves: wave });
    const reason = `${Math.round(share * 4)} of 4 tasks of wave ${wave} failed or were blocked (${(share * 100).toFixed(1)}%), above --abort-on-failure-rate ${rate}`;
    expect(readJson(dirs.out, 'run.json')).toMatchObject({ status: 'aborted', reason, waves_finished: wave });
    expect(readJson(dirs.out, 'phase21_execution_summary.json')).toMatchObject({ status: 'aborted', reason, totals: { waves: wave, tasks: 4 * wave } });
    expect(readJsonl(dirs.out, 'events.jsonl').at(-1)).toMatchObject({ type: 'run_aborted', reason });
    expect(readFileSync(path.join(dirs.report, 'PHASE_21_AUTONOMOUS_EXECUTION.md'), 'utf8')).toContain(`**The run was aborted**: ${reason}`);
    expect(existsSync(path.join(dirs.out, `wave_${wave + 1}`))).toBe(false);
    // The waves that ran wrote the files of the full run.
    const files = artifactsOf(dirs);
    for (const [rel, text] of files) if (/^out\/wave_\d+\//.test(rel)) expect(text, rel).toBe(reference.get(rel));
    // --resume leaves a finished (aborted) run as it is.
    const again = await run(smallOptions(small, dirs, { abortOnFailureRate: rate, resume: true }));
    expect(again).toMatchObject({ status: 'aborted', waves: wave });
    expect(artifactsOf(dirs)).toEqual(files);
  });

  it('a rate no wave exceeds changes nothing', async () => {
    const dirs = freshDirs();
    const result = await run(smallOptions(small, dirs, { abortOnFailureRate: 1 }));
    expect(result.status).toBe('completed');
    expect(artifactsOf(dirs)).toEqual(reference);
  });
});

describe('faults of the environment', () => {
  it('a disk that fills up mid-run: exit-2 OutputError, run.json failed with the reason, no file cut short; --resume finishes the run', async () => {
    const dirs = freshDirs();
    let writes = 0;
    // The 40th write (wave 3's agent_1/executed_tasks.jsonl) finds the disk full; the small
    // run.json written after the failure fits. (task_outcomes.parquet's bytes of a wave are
    // written before the next wave's files: src/report/parquet-thread.ts.)
    const full = failingFs(NODE_OUTPUT_FS, 'ENOSPC', (op) => op === 'write' && ++writes === 40);
    const error = await rejection(run(smallOptions(small, dirs), testEnv({ outputFs: full })));
    expect(error).toBeInstanceOf(OutputError);
    expect(error instanceof OutputError && error.exitCode).toBe(2);
    expect(error.message).toMatch(/^--out: cannot write .*: no space left on device \(ENOSPC\)$/);
    const manifest = readJson(dirs.out, 'run.json');
    expect(manifest).toMatchObject({ status: 'failed', reason: error.message });
    // Every file at its final name is whole: it equals the uninterrupted run's file. (The
    // streams stay at their temporary names, for --resume.)
    // checkpoint.json is wave 2's, the last finished: kept, so --resume continues from it.
    const atFinalNames = [...artifactsOf(dirs)].filter(([rel]) => !path.posix.basename(rel).startsWith('.') && rel !== 'out/checkpoint.json');
    expect(atFinalNames.length).toBeGreaterThan(5);
    for (const [rel, text] of atFinalNames) expect(text, rel).toBe(reference.get(rel));
    expect(readJson(dirs.out, 'checkpoint.json')).toMatchObject({ wave: 2, waves_finished: 2 });
    const resumed = await run(smallOptions(small, dirs, { resume: true }));
    expect(resumed.status).toBe('completed');
    expect(artifactsOf(dirs)).toEqual(reference);
    expect(readJson(dirs.out, 'run.json').resumes).toMatchObject([{ previous_status: 'failed' }]);
  });

  it('when even run.json cannot be written, the message says run.json still says running', async () => {
    const dirs = freshDirs();
    let writes = 0;
    const full = failingFs(NODE_OUTPUT_FS, 'ENOSPC', (op) => op === 'write' && ++writes > 40);
    const fullForever = failingFs(full, 'ENOSPC', () => writes > 40);
    const error = await rejection(run(smallOptions(small, dirs), testEnv({ outputFs: fullForever })));
    expect(error.message).toMatch(/\nrun\.json could not record the failure either \(.*ENOSPC.*\); it still says "running"$/);
    expect(readJson(dirs.out, 'run.json').status).toBe('running');
  });

  it('a report folder under a regular file: exit 2 before anything is written', async () => {
    const dirs = freshDirs();
    writeFileSync(path.join(dirs.root, 'file.txt'), 'x');
    const error = await rejection(run(smallOptions(small, dirs, { reportDir: path.join(dirs.root, 'file.txt', 'reports') })));
    expect(error).toBeInstanceOf(OutputError);
    expect(error.message).toMatch(/^--report-dir: cannot create .*: .*file\.txt is a file, not a folder$/);
    expect(existsSync(dirs.out)).toBe(false);
  });

  it('a second run on a folder another run holds is refused with exit 2, and the folder is left as it is', async () => {
    const dirs = freshDirs();
    await run(smallOptions(small, dirs));
    const before = artifactsOf(dirs);
    const lock = await acquireOutputLock(dirs.out, new Date(0));
    try {
      const error = await rejection(run(smallOptions(small, dirs)));
      expect(error).toBeInstanceOf(OutputError);
      expect(error.message).toMatch(/^--out: .* is in use by another run \(process \d+ on .*\); wait for it to finish or choose another --out$/);
    } finally {
      await lock.release();
    }
    expect(artifactsOf(dirs)).toEqual(before);
  });
});

describe('--resume refuses, leaving the folder as it was', () => {
  async function canceledRun(): Promise<RunDirs> {
    const dirs = freshDirs();
    const controller = new AbortController();
    await run(smallOptions(small, dirs), testEnv({ progress: progressCalling(() => { controller.abort('SIGINT'); }), signal: controller.signal }));
    return dirs;
  }

  it('other options, naming each (quiet, json, debug and min_health may differ)', async () => {
    const dirs = await canceledRun();
    const before = artifactsOf(dirs);
    const error = await rejection(run(smallOptions(small, dirs, { resume: true, seed: 6, strategy: 'round_robin' })));
    expect(error).toBeInstanceOf(ResumeError);
    expect(error.message).toBe(
      `--resume: cannot resume the run in ${dirs.out}: the options differ from the interrupted run's (strategy "load_balanced" -> "round_robin", seed 5 -> 6); give the same options, or run without --resume`,
    );
    expect(artifactsOf(dirs)).toEqual(before);
    const ok = await run(smallOptions(small, dirs, { resume: true, quiet: false, json: true, debug: true, minHealth: 99 }));
    expect(ok.status).toBe('completed');
  });

  it('another harness version', async () => {
    const dirs = await canceledRun();
    const error = await rejection(run(smallOptions(small, dirs, { resume: true }), testEnv({ version: '9.9.9' })));
    expect(error.message).toMatch(/it was made by harness version test, this is 9\.9\.9; run without --resume$/);
  });

  it('a changed input file (sha256)', async () => {
    const dirs = await canceledRun();
    const file = path.join(small.input, 'wave_3', 'agent_0', 'predicted_tasks.jsonl');
    const original = readFileSync(file, 'utf8');
    try {
      writeFileSync(file, original.replace('"predicted_success_probability":0.', '"predicted_success_probability":0.0'));
      const error = await rejection(run(smallOptions(small, dirs, { resume: true })));
      expect(error.message).toBe(`--resume: cannot resume the run in ${dirs.out}: the input differs from the interrupted run's: ${file} changed (sha256)`);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('a finished wave\'s file changed since the checkpoint', async () => {
    const dirs = await canceledRun();
    writeFileSync(path.join(dirs.out, 'wave_1', 'gate_decisions.jsonl'), 'edited\n');
    const error = await rejection(run(smallOptions(small, dirs, { resume: true })));
    expect(error.message).toBe(`--resume: cannot resume the run in ${dirs.out}: wave_1/gate_decisions.jsonl changed since the checkpoint; run without --resume`);
  });

  it('a dry run', async () => {
    const dirs = freshDirs();
    await expect(run(smallOptions(small, dirs, { resume: true, dryRun: true }))).rejects.toThrow(UsageError);
  });

  it('nothing to resume starts the run; a completed run is left as it is', async () => {
    const dirs = freshDirs();
    const first = await run(smallOptions(small, dirs, { resume: true }));
    expect(first.status).toBe('completed');
    expect(artifactsOf(dirs)).toEqual(reference);
    const manifest = readFileSync(path.join(dirs.out, 'run.json'), 'utf8');
    const again = await run(smallOptions(small, dirs, { resume: true }));
    expect(again).toMatchObject({ status: 'completed', waves: 3, tasks: 12 });
    expect(readFileSync(path.join(dirs.out, 'run.json'), 'utf8')).toBe(manifest);
  });

  it('an unreadable checkpoint.json', async () => {
    const dirs = await canceledRun();
    writeFileSync(path.join(dirs.out, 'checkpoint.json'), '{"schema_version":"1.0.0"}\n');
    const error = await rejection(run(smallOptions(small, dirs, { resume: true })));
    expect(error.message).toMatch(/^--resume: cannot resume the run in .*: checkpoint\.json is not a checkpoint of this version: .*; run without --resume$/);
  });

  it("a folder written by the harness before run states (its manifest is refused by --resume, but a fresh run empties it)", async () => {
    const dirs = freshDirs();
    await run(smallOptions(small, dirs));
    const manifest = readJson(dirs.out, 'run.json');
    // The old manifest: camelCase options, no reason, resumes, report or waves_finished.
    const { reason: _r, resumes: _s, report: _p, waves_finished: _w, ...old } = manifest;
    writeFileSync(path.join(dirs.out, 'run.json'), `${JSON.stringify({ ...old, options: { reportDir: dirs.report } }, null, 2)}\n`);
    const error = await rejection(run(smallOptions(small, dirs, { resume: true })));
    expect(error.message).toMatch(/its run\.json was written by another version of the harness; run without --resume$/);
    const fresh = await run(smallOptions(small, dirs));
    expect(fresh.status).toBe('completed');
    expect(artifactsOf(dirs)).toEqual(reference);
  });
});

describe('a report folder inside the output folder', () => {
  it('the report is listed in run.json, so the next run empties the folder without refusing', async () => {
    const dirs = freshDirs();
    const options = smallOptions(small, dirs, { reportDir: path.join(dirs.out, 'reports') });
    await run(options);
    expect(readJson(dirs.out, 'run.json').artifacts).toContain('reports/PHASE_21_AUTONOMOUS_EXECUTION.md');
    const again = await run(options);
    expect(again.status).toBe('completed');
    expect(existsSync(path.join(dirs.out, 'reports', 'PHASE_21_AUTONOMOUS_EXECUTION.md'))).toBe(true);
    expect(leftovers(dirs.out)).toEqual([]);
  });
});
