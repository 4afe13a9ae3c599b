/** How to run one attempt's command (contract sections 11, 12). Times in seconds. */
export interface CommandSpec {
  /** argv, never a shell string; argv[0] is the program. */
  readonly command: readonly string[];
  /** Wall-clock limit of one attempt, seconds (> 0). */
  readonly timeoutS: number;
  /** After the timeout's SIGTERM to the process group, SIGKILL after this many seconds. */
  readonly killGraceS: number;
  /** stdout and stderr are each kept up to this many bytes (UTF-8, cut at a char boundary). */
  readonly maxOutputBytes: number;
  /** Extra environment variables (merged over the harness's environment). */
  readonly env: Readonly<Record<string, string>>;
}

/** What the command gets as JSON on stdin (snake_case, one line). */
export interface AttemptPayload {
  readonly wave: number;
  readonly task_id: string;
  readonly agent_id: string;
  readonly attempt: number;
  readonly p: number;
  readonly predicted_time_s: number;
}

/** How a command ended. `succeeded` = exit code 0 and not timed out. */
export interface CommandOutcome {
  readonly succeeded: boolean;
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputTruncated: boolean;
  /** Wall-clock seconds from spawn to exit (>= 0). */
  readonly durationS: number;
}

/** Runs commands: locally (execa) or through a queue (BullMQ workers). */
export interface CommandRunner {
  readonly name: string;
  /** Runs one attempt; never rejects for a command's failure (that is an outcome). Rejects
   *  only when the runner itself broke (e.g. Redis gone) or `signal` aborted. */
  run(spec: CommandSpec, payload: AttemptPayload, signal: AbortSignal): Promise<CommandOutcome>;
  /** Ends every process/job/connection it started; idempotent. */
  close(): Promise<void>;
}
