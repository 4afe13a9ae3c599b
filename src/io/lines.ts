/**
 * Streaming line reader for JSONL input: reads a file in large chunks, hashes its bytes and
 * hands each non-blank line to a callback with its 1-based line number. Never holds the whole
 * file in memory (inputs reach hundreds of megabytes).
 *
 * Accepted (contract section 2): a UTF-8 byte order mark at the start, LF or CRLF endings,
 * blank or whitespace-only lines (skipped, but counted in line numbers), a missing final
 * newline. Bytes that are not valid UTF-8 stop the read with {@link LineReadError}.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { isUtf8 } from 'node:buffer';

/** What a finished read reports. */
export interface LineStats {
  /** SHA-256 of the file's bytes, lowercase hex. */
  readonly sha256: string;
  /** Lines handed to the callback (non-blank lines). */
  readonly nonBlankLines: number;
  /** All lines, blank ones included (the last line number). */
  readonly totalLines: number;
}

/**
 * Called once per non-blank line, in file order.
 * @param text the line without its line ending (`\n` or `\r\n`); a BOM on line 1 removed
 * @param lineNo 1-based line number in the file
 */
export type LineHandler = (text: string, lineNo: number) => void;

/** The file's bytes are not valid UTF-8; `line` is the first line holding a bad sequence. */
export class LineReadError extends Error {
  override readonly name = 'LineReadError';
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 13;
const BOM = '\uFEFF';
/** Default read size: large chunks keep the per-chunk overhead negligible. */
const DEFAULT_CHUNK_BYTES = 1 << 20;

/** True when the string is empty or whitespace only; returns at the first non-space. */
function isBlank(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 10 && c !== 0xfeff) return false;
  }
  return true;
}

/** The 1-based line (counting from `firstLine`) of the first invalid UTF-8 sequence in `block`. */
function findBadLine(block: Buffer, firstLine: number): number {
  let line = firstLine;
  let start = 0;
  while (start <= block.length) {
    let end = block.indexOf(NEWLINE, start);
    if (end === -1) end = block.length;
    if (!isUtf8(block.subarray(start, end))) return line;
    line++;
    start = end + 1;
  }
  return firstLine;
}

/**
 * Reads `path` line by line.
 * @param onLine called for each non-blank line (see {@link LineHandler})
 * @param chunkBytes read size in bytes; default 1 MiB (tests use tiny chunks to cross boundaries)
 * @returns the file's SHA-256 and line counts
 * @throws LineReadError on bytes that are not UTF-8; the fs error (ENOENT, EACCES, EISDIR...)
 *   when the file cannot be read
 */
export async function readLines(path: string, onLine: LineHandler, chunkBytes: number = DEFAULT_CHUNK_BYTES): Promise<LineStats> {
  const hash = createHash('sha256');
  const state = { lineNo: 0, nonBlank: 0 };
  let carry: Buffer[] = [];

  const emit = (block: Buffer): void => {
    if (!isUtf8(block)) throw new LineReadError('not valid UTF-8', findBadLine(block, state.lineNo + 1));
    const text = block.toString('utf8');
    let start = 0;
    const length = text.length;
    while (start < length) {
      let newline = text.indexOf('\n', start);
      if (newline === -1) newline = length;
      let end = newline;
      if (end > start && text.charCodeAt(end - 1) === CARRIAGE_RETURN) end--;
      let line = text.slice(start, end);
      state.lineNo++;
      if (state.lineNo === 1 && line.startsWith(BOM)) line = line.slice(1);
      if (!isBlank(line)) {
        state.nonBlank++;
        onLine(line, state.lineNo);
      }
      start = newline + 1;
    }
  };

  const stream = createReadStream(path, { highWaterMark: chunkBytes });
  for await (const data of stream) {
    const chunk = data as Buffer;
    hash.update(chunk);
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      carry.push(Buffer.from(chunk));
      continue;
    }
    const head = chunk.subarray(0, lastNewline + 1);
    emit(carry.length === 0 ? head : Buffer.concat([...carry, head]));
    carry = lastNewline + 1 < chunk.length ? [Buffer.from(chunk.subarray(lastNewline + 1))] : [];
  }
  if (carry.length > 0) emit(Buffer.concat(carry));
  return { sha256: hash.digest('hex'), nonBlankLines: state.nonBlank, totalLines: state.lineNo };
}
