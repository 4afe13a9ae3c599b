/** Test helpers: small input trees written into a fresh temp folder. */
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { loadInput, type LoadRequest } from '../../src/io/load.ts';

/** Writes `files` (relative path -> content) under a new temp folder; returns the folder. */
export async function makeInput(files: Readonly<Record<string, string | Buffer>>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'phase21-io-'));
  for (const [relative, content] of Object.entries(files)) {
    const path = join(dir, relative);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, content);
  }
  return dir;
}

/** A `predicted_tasks.jsonl` line: the required fields plus `extra` (later keys win). */
export function pred(taskId: string, agentId: string, p: number, extra: Readonly<Record<string, unknown>> = {}): string {
  return JSON.stringify({ task_id: taskId, agent_id: agentId, predicted_success_probability: p, ...extra });
}

/** A `predicted_schedule.jsonl` line. */
export function sched(taskId: string, agentId: string, start: number, end: number, extra: Readonly<Record<string, unknown>> = {}): string {
  return JSON.stringify({ task_id: taskId, agent_id: agentId, predicted_start_time: start, predicted_end_time: end, ...extra });
}

/** Lines joined with `\n` plus a final newline. */
export function jsonl(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/** A fail-mode load request for `input`, overridden by `extra`. */
export function request(input: string, extra: Partial<LoadRequest> = {}): LoadRequest {
  return { input, agentsFile: null, waves: null, onInvalid: 'fail', ...extra };
}

/** Loads `req`, expecting an InputError, and returns it. */
export async function loadError(req: LoadRequest): Promise<InputError> {
  const error = await loadInput(req).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(InputError);
  return error as InputError;
}

