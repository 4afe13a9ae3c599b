/**
 * The subprocess world's settings (contract sections 11 and 12): the config file's
 * `"subprocess": {"command", "timeout_s", "kill_grace_s", "max_output_bytes", "env"}` object
 * and an agent profile's own `command`. Defaults (docs/decisions.md): no command (each agent
 * profile must then carry one), timeout_s 600, kill_grace_s 5, max_output_bytes 65536, env {}.
 */
import { z } from 'zod';

/** Longest argv accepted, in words; a guard against a runaway generated config. */
export const MAX_COMMAND_WORDS = 1024;
/** Largest max_output_bytes: 64 MiB per stream (the attempt record holds it). */
export const MAX_OUTPUT_BYTES_LIMIT = 64 * 1024 * 1024;
/** Longest timeout: one week, seconds. */
export const MAX_TIMEOUT_S = 7 * 24 * 3600;

/** An argv: the program, then its arguments; never a shell string. */
export const CommandSchema = z
  .array(z.string().min(1, 'an empty word; every word of the argv must be non-empty').refine((w) => !w.includes('\0'), 'a word holds a NUL character'))
  .min(1, 'an empty argv; expected ["program", "arg", ...]')
  .max(MAX_COMMAND_WORDS, `more than ${MAX_COMMAND_WORDS} words`)
  .meta({ description: 'argv of the command: the program, then its arguments (never a shell string); the attempt JSON comes on stdin, exit 0 = success' });

/** Environment variable names the harness passes on: POSIX portable names. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The config file's `subprocess` object, defaults applied. */
export const SubprocessConfigSchema = z.strictObject({
  command: CommandSchema.optional().meta({ description: 'argv of every agent without a `command` of its own in the agents file' }),
  timeout_s: z.number().gt(0).max(MAX_TIMEOUT_S).default(600).meta({ description: 'wall-clock limit of one attempt, seconds; then SIGTERM to its process group' }),
  kill_grace_s: z.number().min(0).max(3600).default(5).meta({ description: 'seconds between the SIGTERM of a timeout (or cancel) and the SIGKILL' }),
  max_output_bytes: z.number().int().min(0).max(MAX_OUTPUT_BYTES_LIMIT).default(65_536).meta({ description: 'stdout and stderr are each kept up to this many bytes in the attempt record (UTF-8, cut at a character boundary)' }),
  env: z
    .record(z.string().regex(ENV_NAME, 'expected an environment variable name ([A-Za-z_][A-Za-z0-9_]*)'), z.string())
    .default({})
    .meta({ description: "environment variables set for the command, over the harness's own" }),
});

/** The subprocess settings, as the run uses them. */
export interface SubprocessSettings {
  /** argv for agents without their own; null = every agent needs its own. */
  readonly command: readonly string[] | null;
  readonly timeoutS: number;
  readonly killGraceS: number;
  readonly maxOutputBytes: number;
  readonly env: Readonly<Record<string, string>>;
}

/** The defaults: no command, 600 s, 5 s, 65536 bytes, no extra environment. */
export const DEFAULT_SUBPROCESS: SubprocessSettings = { command: null, timeoutS: 600, killGraceS: 5, maxOutputBytes: 65_536, env: {} };

/** The settings from a parsed `subprocess` object. */
export function subprocessSettings(parsed: z.output<typeof SubprocessConfigSchema>): SubprocessSettings {
  return {
    command: parsed.command ?? null,
    timeoutS: parsed.timeout_s,
    killGraceS: parsed.kill_grace_s,
    maxOutputBytes: parsed.max_output_bytes,
    env: Object.fromEntries(Object.entries(parsed.env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}

/** The settings in the config file's shape (run.json's `options.subprocess`). */
export function subprocessRecord(s: SubprocessSettings): { command: string[] | null; timeout_s: number; kill_grace_s: number; max_output_bytes: number; env: Record<string, string> } {
  return { command: s.command === null ? null : [...s.command], timeout_s: s.timeoutS, kill_grace_s: s.killGraceS, max_output_bytes: s.maxOutputBytes, env: { ...s.env } };
}
