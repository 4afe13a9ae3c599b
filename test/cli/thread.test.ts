/**
 * The command's own thread (src/cli/thread.ts): the heap budget from the environment, which
 * command lines get a thread, the main thread's side (messages, signals, exit codes, a thread
 * out of heap) with a fake worker, and the thread's side over a real MessageChannel.
 */
import { EventEmitter } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort, Worker } from 'node:worker_threads';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ExitCode } from '../../src/errors.ts';
import type { CancelSignal } from '../../src/cli/io.ts';
import {
  BUDGET_MIN_INPUT_BYTES,
  DEFAULT_HEAP_MB,
  HEAP_BUDGET_ENV,
  heapBudget,
  hostThread,
  HEAP_MB_PER_WAVE_MB,
  inputFolderSizes,
  inputFolderOf,
  outOfHeapText,
  runsInThread,
  threadIo,
} from '../../src/cli/thread.ts';
import type { ParentMessage, ThreadData, ThreadMessage } from '../../src/cli/thread.ts';
import { PROJECT_ROOT } from '../e2e/helpers.ts';

const NAMES = ['phase', 'compare', 'import', 'tournament', 'worker'];

describe('heapBudget', () => {
  it('is the default when the variable is unset, empty or blank', () => {
    expect(heapBudget({})).toEqual({ type: 'ok', mb: DEFAULT_HEAP_MB });
    expect(heapBudget({ [HEAP_BUDGET_ENV]: '' })).toEqual({ type: 'ok', mb: 1024 });
    expect(heapBudget({ [HEAP_BUDGET_ENV]: '  ' })).toEqual({ type: 'ok', mb: 1024 });
  });

  it('takes an integer of MiB from 256 up, whatever the input\'s size', () => {
    expect(heapBudget({ [HEAP_BUDGET_ENV]: '256' })).toEqual({ type: 'ok', mb: 256 });
    expect(heapBudget({ [HEAP_BUDGET_ENV]: ' 4096 ' }, { bytes: 1000, largestWaveBytes: 1000 })).toEqual({ type: 'ok', mb: 4096 });
  });

  it('is none for an input folder under 256 MiB, the default from there up and when the size is unknown', () => {
    const flat = (bytes: number) => ({ bytes, largestWaveBytes: null });
    expect(BUDGET_MIN_INPUT_BYTES).toBe(268_435_456);
    expect(heapBudget({}, flat(0))).toEqual({ type: 'ok', mb: null });
    expect(heapBudget({}, flat(268_435_455))).toEqual({ type: 'ok', mb: null });
    expect(heapBudget({}, { bytes: 268_435_455, largestWaveBytes: 268_435_455 })).toEqual({ type: 'ok', mb: null });
    expect(heapBudget({}, flat(268_435_456))).toEqual({ type: 'ok', mb: 1024 });
    expect(heapBudget({}, flat(4 * 2 ** 30))).toEqual({ type: 'ok', mb: 1024 });
    expect(heapBudget({}, undefined)).toEqual({ type: 'ok', mb: 1024 });
  });

  it('grows with a tree\'s largest wave past what the default holds: 4 MiB per MiB of that wave', () => {
    expect(HEAP_MB_PER_WAVE_MB).toBe(4);
    // The 10^7-row bench tree: 4.4 GB in 40 waves of about 113 MB.
    expect(heapBudget({}, { bytes: 4_514_000_000, largestWaveBytes: 113_000_000 })).toEqual({ type: 'ok', mb: 1024 });
    expect(heapBudget({}, { bytes: 300 * 2 ** 20, largestWaveBytes: 256 * 2 ** 20 })).toEqual({ type: 'ok', mb: 1024 });
    // The measured one-wave tree of 150,000 tasks: ceil(4 x 271,467,956 / 2^20) = ceil(1035.57).
    expect(heapBudget({}, { bytes: 271_467_956, largestWaveBytes: 271_467_956 })).toEqual({ type: 'ok', mb: 1036 });
    expect(heapBudget({}, { bytes: 2 ** 30, largestWaveBytes: 512 * 2 ** 20 })).toEqual({ type: 'ok', mb: 2048 });
    // PHASE21_HEAP_MB still wins.
    expect(heapBudget({ [HEAP_BUDGET_ENV]: '512' }, { bytes: 2 ** 30, largestWaveBytes: 512 * 2 ** 20 })).toEqual({ type: 'ok', mb: 512 });
  });

  it.each(['255', '0', '-512', '1.5', '1e3', '512MB', 'lots'])('refuses %j, naming the variable and what it accepts', (value) => {
    expect(heapBudget({ [HEAP_BUDGET_ENV]: value })).toEqual({
      type: 'invalid',
      message: `PHASE21_HEAP_MB: the heap budget in MiB must be an integer >= 256, got ${JSON.stringify(value)}`,
    });
  });
});

describe('inputFolderOf and inputFolderSizes', () => {
  it('takes the last --input, in either form, against the working folder', () => {
    expect(inputFolderOf(['phase', '--input', 'a', '--waves', '3'], '/w')).toBe('/w/a');
    expect(inputFolderOf(['--input=/abs/b'], '/w')).toBe('/abs/b');
    expect(inputFolderOf(['--input', 'a', '--input=c'], '/w')).toBe('/w/c');
    expect(inputFolderOf(['--input', 'a', '--config', 'run.json'], '/w')).toBe('/w/a');
  });

  it('is data/phase20 without --input, and unknown when a config file may name it', () => {
    expect(inputFolderOf(['phase', '--waves', '3'], '/w')).toBe('/w/data/phase20');
    expect(inputFolderOf(['phase', '--config', 'run.json'], '/w')).toBeUndefined();
    expect(inputFolderOf(['--config=run.json'], '/w')).toBeUndefined();
  });

  it('adds the sizes of the files under a folder and under its largest wave folder, and is undefined for a folder it cannot read', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'p21-input-bytes-'));
    const put = (relative: string, bytes: number): void => {
      fs.mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
      fs.writeFileSync(path.join(root, relative), 'x'.repeat(bytes));
    };
    try {
      put('wave_1/agent_a/predicted_tasks.jsonl', 1000);
      put('wave_1/wave_9/notes.txt', 7); // under wave_1, whatever its own name
      put('wave_2/agent_a/predicted_tasks.jsonl', 1500);
      put('wave_2/agent_b/predicted_tasks.jsonl', 1500);
      put('Wave_3/agent_a/predicted_tasks.jsonl', 4000); // not a wave folder: in the total only
      put('wave_03/agent_a/predicted_tasks.jsonl', 5000); // nor this one
      put('schedule.json', 2);
      expect(inputFolderSizes(root)).toEqual({ bytes: 13_009, largestWaveBytes: 3000 });
      expect(inputFolderSizes(path.join(root, 'wave_2'))).toEqual({ bytes: 3000, largestWaveBytes: null });
      expect(inputFolderSizes(path.join(root, 'missing'))).toBeUndefined();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('runsInThread', () => {
  it('runs phase in a thread, named or as the default command', () => {
    expect(runsInThread(['phase', '--waves', '3'], NAMES, 'phase')).toBe(true);
    expect(runsInThread(['--waves', '3'], NAMES, 'phase')).toBe(true);
    expect(runsInThread([], NAMES, 'phase')).toBe(true);
  });

  it('runs the other commands on the main thread, even when an option value is a command name', () => {
    expect(runsInThread(['compare', 'a', 'b'], NAMES, 'phase')).toBe(false);
    expect(runsInThread(['worker', '--queue', 'redis://x'], NAMES, 'phase')).toBe(false);
    expect(runsInThread(['tournament', '--strategies', 'phase'], NAMES, 'phase')).toBe(false);
    expect(runsInThread(['--out', 'compare'], NAMES, 'phase')).toBe(true);
  });

  it('prints help and the version without a thread', () => {
    for (const flag of ['--help', '-h', '--version', '-V']) expect(runsInThread(['phase', flag], NAMES, 'phase')).toBe(false);
  });
});

/** A worker as hostThread sees it: messages, errors and the exit it is told to emit. */
class FakeWorker extends EventEmitter {
  readonly posted: ParentMessage[] = [];
  postMessage(message: ParentMessage): void {
    this.posted.push(message);
  }
}

function fakeHost() {
  const out: string[] = [];
  const err: string[] = [];
  const listeners = new Map<CancelSignal, Set<() => void>>([
    ['SIGINT', new Set()],
    ['SIGTERM', new Set()],
  ]);
  return {
    out,
    err,
    listeners,
    host: {
      stdout: { write: (chunk: string) => out.push(chunk) },
      stderr: { write: (chunk: string) => err.push(chunk) },
      on: (signal: CancelSignal, listener: () => void) => listeners.get(signal)?.add(listener),
      off: (signal: CancelSignal, listener: () => void) => listeners.get(signal)?.delete(listener),
    },
  };
}

describe('hostThread', () => {
  const noReport = (): ExitCode => {
    throw new Error('reportFailure called');
  };

  it('writes the thread\'s output in order, passes signals on, and resolves with the code it sent', async () => {
    const worker = new FakeWorker();
    const { host, out, err, listeners } = fakeHost();
    const done = hostThread(worker as unknown as Worker, host, 1536, noReport);
    const send = (message: ThreadMessage) => worker.emit('message', message);
    send({ type: 'write', stream: 'stderr', chunk: 'load: reading\n' });
    send({ type: 'write', stream: 'stdout', chunk: '{"status":' });
    send({ type: 'write', stream: 'stdout', chunk: '"canceled"}\n' });
    for (const listener of listeners.get('SIGINT') ?? []) listener();
    for (const listener of listeners.get('SIGTERM') ?? []) listener();
    send({ type: 'done', code: 130 });
    worker.emit('exit', 0);
    await expect(done).resolves.toBe(130);
    expect(out.join('')).toBe('{"status":"canceled"}\n');
    expect(err).toEqual(['load: reading\n']);
    expect(worker.posted).toEqual([
      { type: 'signal', signal: 'SIGINT' },
      { type: 'signal', signal: 'SIGTERM' },
    ]);
    // The process's signal handlers are removed once the thread has ended.
    expect([...(listeners.get('SIGINT') ?? []), ...(listeners.get('SIGTERM') ?? [])]).toEqual([]);
  });

  it('takes the thread\'s exit code when it ended without sending one (a second signal: exitNow)', async () => {
    const worker = new FakeWorker();
    const { host } = fakeHost();
    const done = hostThread(worker as unknown as Worker, host, 1536, noReport);
    worker.emit('exit', 143);
    await expect(done).resolves.toBe(143);
  });

  it('says how to go on when the thread ran out of its heap budget, exit 3', async () => {
    const worker = new FakeWorker();
    const { host, err } = fakeHost();
    const done = hostThread(worker as unknown as Worker, host, 512, noReport);
    worker.emit('error', Object.assign(new Error('Worker terminated due to reaching memory limit: JS heap out of memory'), { code: 'ERR_WORKER_OUT_OF_MEMORY' }));
    worker.emit('exit', 1);
    await expect(done).resolves.toBe(3);
    expect(err).toEqual([`${outOfHeapText(512)}\n`]);
    expect(outOfHeapText(512)).toBe(
      'error: the run needed more than its heap budget of 512 MiB and stopped; its finished waves are kept: ' +
        'run it again with PHASE21_HEAP_MB=1024 and the same options plus --resume',
    );
    expect(outOfHeapText(null)).toBe(
      'error: the run needed more heap than V8 gives it and stopped; its finished waves are kept: ' +
        'run it again with PHASE21_HEAP_MB=4096 and the same options plus --resume',
    );
  });

  it('reports any other error of the thread as an internal one', async () => {
    const worker = new FakeWorker();
    const { host } = fakeHost();
    const seen: unknown[] = [];
    const done = hostThread(worker as unknown as Worker, host, 1536, (error) => {
      seen.push(error);
      return 3;
    });
    const error = new TypeError('boom');
    worker.emit('error', error);
    worker.emit('exit', 1);
    await expect(done).resolves.toBe(3);
    expect(seen).toEqual([error]);
  });
});

describe('threadIo', () => {
  const DATA: ThreadData = { kind: 'phase21-command', argv: ['phase'], env: { CI: '1' }, isTTY: true, stderrColumns: 97 };

  /** Collects what the thread's side posts until `count` messages arrived. */
  function collect(port: MessagePort, count: number): Promise<ThreadMessage[]> {
    const seen: ThreadMessage[] = [];
    return new Promise((resolve) => {
      port.on('message', (message: ThreadMessage) => {
        seen.push(message);
        if (seen.length === count) resolve(seen);
      });
    });
  }

  it('posts writes and the exit code in order, and hands over the terminal facts', async () => {
    const { port1, port2 } = new MessageChannel();
    const io = threadIo(port2, DATA, () => 42, () => undefined);
    const messages = collect(port1, 3);
    io.stderr.write('wave 1/4\n');
    io.stdout.write('{}\n');
    io.exit?.(1);
    expect(await messages).toEqual([
      { type: 'write', stream: 'stderr', chunk: 'wave 1/4\n' },
      { type: 'write', stream: 'stdout', chunk: '{}\n' },
      { type: 'done', code: 1 },
    ]);
    expect(io.stderr.columns).toBe(97);
    expect(io.stdout.columns).toBeUndefined();
    expect(io.isTTY).toBe(true);
    expect(io.env).toEqual({ CI: '1' });
    expect(io.now()).toBe(42);
    port1.close();
  });

  it('calls the listeners of a signal the main thread passes on, and only while registered', async () => {
    const { port1, port2 } = new MessageChannel();
    const exits: ExitCode[] = [];
    const io = threadIo(port2, DATA, () => 0, (code) => exits.push(code));
    const heard: string[] = [];
    const listener = () => heard.push('int');
    io.signals?.on('SIGINT', listener);
    const post = (signal: CancelSignal) => {
      const message: ParentMessage = { type: 'signal', signal };
      port1.postMessage(message);
    };
    const delivered = () => new Promise((resolve) => setTimeout(resolve, 20));
    post('SIGINT');
    await delivered();
    expect(heard).toEqual(['int']);
    expect(exits).toEqual([]);
    io.signals?.off('SIGINT', listener);
    // With no listener a signal ends the thread as it would end a process: 130 or 143.
    post('SIGINT');
    post('SIGTERM');
    await delivered();
    expect(heard).toEqual(['int']);
    expect(exits).toEqual([130, 143]);
    io.signals?.exitNow(4);
    expect(exits).toEqual([130, 143, 4]);
    port1.close();
  });
});

describe('the command line', () => {
  it('refuses a bad heap budget with exit 2 before starting the run', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/cli/main.ts'), 'phase', '--out', '/nonexistent/never-written'], {
      env: { ...process.env, [HEAP_BUDGET_ENV]: '100' },
      encoding: 'utf8',
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('PHASE21_HEAP_MB: the heap budget in MiB must be an integer >= 256, got "100"\n');
  });
});
