/**
 * The I/O floor of `npm run bench`: the least work any harness must do on the same data, run as
 * its own process so its time and peak RSS can be set beside the harness's.
 *
 * `node --import tsx scripts/bench-io-floor.ts --input DIR --out DIR --lines N --bytes B`
 *
 * 1. Read: streams every `predicted_tasks.jsonl` and `predicted_schedule.jsonl` under `--input`
 *    (any depth, so both layouts of CONTRACT.md section 2) in 1 MiB chunks and `JSON.parse`s
 *    each non-blank line. Nothing is kept: no validation, no index, no hashing.
 * 2. Write: writes `--lines` JSON lines whose total size is about `--bytes` (the harness's
 *    `.jsonl` output for the same input) to `<out>/floor.jsonl`, each line made by
 *    `JSON.stringify` of a small record, joined into ~1 MiB chunks written with `fs.writeSync`
 *    (the batching `src/io/atomic.ts` uses). No simulation, no measures.
 *
 * Prints one JSON line on stdout: {@link FloorReport}. Exit 0, or 2 on bad arguments.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import fg from 'fast-glob';

/** What the floor did, printed as one JSON line on stdout. Times are wall milliseconds. */
export interface FloorReport {
  readonly files: number;
  readonly parsedLines: number;
  readonly readBytes: number;
  readonly readMs: number;
  readonly writtenLines: number;
  readonly writtenBytes: number;
  readonly writeMs: number;
}

/** Size of one read and of one write, bytes. */
const CHUNK = 1 << 20;

/**
 * Streams `file` and `JSON.parse`s each non-blank line (LF or CRLF endings).
 * @returns lines parsed and bytes read.
 * @throws SyntaxError on a line that is not JSON (the floor expects generated, valid input).
 */
export async function parseJsonlFile(file: string): Promise<{ lines: number; bytes: number }> {
  let lines = 0;
  let bytes = 0;
  let rest = '';
  const parseLine = (text: string): void => {
    if (text.trim() === '') return;
    JSON.parse(text);
    lines++;
  };
  const stream = fs.createReadStream(file, { highWaterMark: CHUNK, encoding: 'utf8' });
  for await (const chunk of stream) {
    if (typeof chunk !== 'string') throw new TypeError('expected text chunks');
    bytes += Buffer.byteLength(chunk);
    const text = rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      parseLine(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  parseLine(rest);
  return { lines, bytes };
}

/**
 * Writes `lines` JSON lines of about `bytes / lines` bytes each (newline included, at least
 * the bare record) to `file`, in ~1 MiB `fs.writeSync` batches.
 * @returns bytes written.
 */
export function writeJsonlLines(file: string, lines: number, bytes: number): number {
  const target = lines > 0 ? Math.max(1, Math.round(bytes / lines)) : 0;
  const fd = fs.openSync(file, 'w');
  let written = 0;
  let parts: string[] = [];
  let size = 0;
  const flush = (): void => {
    const buffer = Buffer.from(parts.join(''), 'utf8');
    let offset = 0;
    while (offset < buffer.length) offset += fs.writeSync(fd, buffer, offset, buffer.length - offset);
    written += buffer.length;
    parts = [];
    size = 0;
  };
  try {
    for (let i = 0; i < lines; i++) {
      const record = { schema_version: '1.0.0', index: i, wave: (i % 4) + 1, value: i / 7, pad: '' };
      const bare = JSON.stringify(record).length + 1;
      record.pad = 'x'.repeat(Math.max(0, target - bare));
      const line = `${JSON.stringify(record)}\n`;
      parts.push(line);
      size += line.length;
      if (size >= CHUNK) flush();
    }
    flush();
  } finally {
    fs.closeSync(fd);
  }
  return written;
}

/** Parses the floor's arguments. @throws Error naming the missing or bad option. */
function parseFloorArgs(argv: readonly string[]): { input: string; out: string; lines: number; bytes: number } {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: { input: { type: 'string' }, out: { type: 'string' }, lines: { type: 'string' }, bytes: { type: 'string' } },
  });
  const count = (name: string, text: string | undefined): number => {
    const value = Number(text);
    if (text === undefined || !Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} must be an integer >= 0`);
    return value;
  };
  if (values.input === undefined || values.out === undefined) throw new Error('--input and --out are required');
  return { input: values.input, out: values.out, lines: count('lines', values.lines), bytes: count('bytes', values.bytes) };
}

/** Runs the floor; returns the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  let args;
  try {
    args = parseFloorArgs(argv);
  } catch (error: unknown) {
    process.stderr.write(`bench-io-floor: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }
  const readStart = performance.now();
  const files = (await fg('**/predicted_{tasks,schedule}.jsonl', { cwd: args.input, absolute: true })).sort();
  let parsedLines = 0;
  let readBytes = 0;
  for (const file of files) {
    const { lines, bytes } = await parseJsonlFile(file);
    parsedLines += lines;
    readBytes += bytes;
  }
  const readMs = performance.now() - readStart;
  const writeStart = performance.now();
  fs.mkdirSync(args.out, { recursive: true });
  const writtenBytes = writeJsonlLines(path.join(args.out, 'floor.jsonl'), args.lines, args.bytes);
  const writeMs = performance.now() - writeStart;
  const report: FloorReport = { files: files.length, parsedLines, readBytes, readMs, writtenLines: args.lines, writtenBytes, writeMs };
  process.stdout.write(`${JSON.stringify(report)}\n`);
  return 0;
}

const entry = process.argv[1];
if (entry !== undefined && import.meta.url === pathToFileURL(entry).href) process.exitCode = await main(process.argv.slice(2));
