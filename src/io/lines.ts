/**
 * Streaming line reader for JSONL input: reads a file in large chunks, hashes its bytes and
 * hands each non-blank line to a callback with its 1-based line number. Never holds the whole
 * file in memory (inputs reach hundreds of megabytes).
 *
 * Accepted (contract section 2): a UTF-8 byte order mark at the start, LF or CRLF endings,
 * blank or whitespace-only lines (skipped, but counted in line numbers), a missing final
 * newline. Bytes that are not valid UTF-8, and a line longer than {@link MAX_LINE_BYTES}, stop the
 * read with {@link LineReadError}: such a line could not be kept verbatim in `rejected.jsonl`
 * (and an endless line would exhaust memory).
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { isAscii, isUtf8 } from 'node:buffer';

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

/**
 * The file cannot be read as JSONL text: bytes that are not valid UTF-8, or a line longer than
 * the limit. `line` is the first line at fault.
 */
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

/**
 * Longest line accepted, in bytes without its line ending: 16 MiB. Real rows are a few hundred
 * bytes; the limit keeps one hostile line from taking the process's memory.
 */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Opens read-only and, where the platform has it (not Windows), refuses a symbolic link as the last component. */
const OPEN_FLAGS = constants.O_RDONLY | ((constants as { readonly O_NOFOLLOW?: number }).O_NOFOLLOW ?? 0);

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
 * @param path a file that is not itself a symbolic link (resolve links first: the file is opened
 *   with `O_NOFOLLOW`, so a link fails with ELOOP)
 * @param onLine called for each non-blank line (see {@link LineHandler})
 * @param chunkBytes read size in bytes; default 1 MiB (tests use tiny chunks to cross boundaries)
 * @param maxLineBytes longest line accepted, bytes; default {@link MAX_LINE_BYTES}
 * @returns the file's SHA-256 and line counts
 * @throws LineReadError on bytes that are not UTF-8 or a line longer than `maxLineBytes`; the fs
 *   error (ENOENT, EACCES, EISDIR, ELOOP...) when the file cannot be read
 */
export async function readLines(
  path: string,
  onLine: LineHandler,
  chunkBytes: number = DEFAULT_CHUNK_BYTES,
  maxLineBytes: number = MAX_LINE_BYTES,
): Promise<LineStats> {
  const hash = createHash('sha256');
  const state = { lineNo: 0, nonBlank: 0 };
  let carry: Buffer[] = [];
  let carryBytes = 0;
  const tooLong = (): LineReadError => new LineReadError(`line longer than ${maxLineBytes} bytes`, state.lineNo + 1);

  const emit = (block: Buffer): void => {
    // ASCII (every real Phase 20 file) is valid UTF-8 and decodes the same as 'ascii', about 3 times faster (simdutf).
    const ascii = isAscii(block);
    if (!ascii && !isUtf8(block)) throw new LineReadError('not valid UTF-8', findBadLine(block, state.lineNo + 1));
    const text = block.toString(ascii ? 'ascii' : 'utf8');
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

  // The stream owns the handle: it closes it at the end, on an error, and when the loop below exits early.
  const stream = (await open(path, OPEN_FLAGS)).createReadStream({ highWaterMark: Math.min(chunkBytes, maxLineBytes) });
  for await (const data of stream) {
    const chunk = data as Buffer;
    hash.update(chunk);
    const lastNewline = chunk.lastIndexOf(NEWLINE);
    if (lastNewline === -1) {
      carryBytes += chunk.length;
      if (carryBytes > maxLineBytes) throw tooLong();
      carry.push(Buffer.from(chunk));
      continue;
    }
    // A line is at most one chunk, unless it began in the carry: then it is the carry plus this chunk's head.
    if (carryBytes > 0 && carryBytes + chunk.indexOf(NEWLINE) > maxLineBytes) throw tooLong();
    const head = chunk.subarray(0, lastNewline + 1);
    emit(carry.length === 0 ? head : Buffer.concat([...carry, head]));
    carry = lastNewline + 1 < chunk.length ? [Buffer.from(chunk.subarray(lastNewline + 1))] : [];
    carryBytes = carry[0]?.length ?? 0;
  }
  if (carry.length > 0) emit(Buffer.concat(carry));
  return { sha256: hash.digest('hex'), nonBlankLines: state.nonBlank, totalLines: state.lineNo };
}
