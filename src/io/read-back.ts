/**
 * Reading back what an interrupted run left in its output folder (src/io/atomic.ts): a file's
 * length and SHA-256, a stream's prefix. Reads only; nothing here changes the disk.
 */
import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { FileDigest } from './atomic.ts';

/** Suffix of temporary files: `dir/.name.tmp` is the temporary name of `dir/name`. */
export const TEMP_SUFFIX = '.tmp';

/** The temporary name of `relative` (same folder): `wave_1/.gate_decisions.jsonl.tmp`. */
export function tempPathOf(relative: string): string {
  const dir = path.posix.dirname(relative);
  const base = path.posix.basename(relative);
  return dir === '.' ? `.${base}${TEMP_SUFFIX}` : `${dir}/.${base}${TEMP_SUFFIX}`;
}

/** Bytes read at a time. */
const READ_CHUNK = 4 << 20;

/** Feeds the first `bytes` bytes of `file` to `hash`; returns how many there were. */
export function hashPrefix(file: string, bytes: number, hash: Hash): number {
  const fd = fs.openSync(file, 'r');
  try {
    const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(1, bytes)));
    let done = 0;
    while (done < bytes) {
      const n = fs.readSync(fd, buffer, 0, Math.min(buffer.length, bytes - done), done);
      if (n === 0) break;
      hash.update(buffer.subarray(0, n));
      done += n;
    }
    return done;
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The length and SHA-256 of the file `relative` under `root`, or null when it is missing or
 * not a regular file (links are not followed).
 */
export function digestOf(root: string, relative: string): FileDigest | null {
  const full = path.join(root, relative);
  const stat = fs.lstatSync(full, { throwIfNoEntry: false });
  if (stat === undefined || !stat.isFile()) return null;
  const hash = createHash('sha256');
  const bytes = hashPrefix(full, stat.size, hash);
  return { path: relative, bytes, sha256: hash.digest('hex') };
}

/** The stream file of `relative` an interrupted run left: its temporary name if present, else its final name. */
function streamFileOf(root: string, relative: string): { readonly file: string; readonly stat: fs.Stats | undefined } {
  const temp = path.join(root, tempPathOf(relative));
  const tempStat = fs.lstatSync(temp, { throwIfNoEntry: false });
  if (tempStat !== undefined) return { file: temp, stat: tempStat };
  const final = path.join(root, relative);
  return { file: final, stat: fs.lstatSync(final, { throwIfNoEntry: false }) };
}

/**
 * Checks, without changing anything, that the stream `relative` of an interrupted run (at its
 * temporary name, else its final one) begins with `expected.bytes` bytes of SHA-256
 * `expected.sha256`.
 * @returns null when it does, else the problem
 */
export function checkStreamPrefix(root: string, relative: string, expected: FileDigest): string | null {
  const { file, stat } = streamFileOf(root, relative);
  if (stat === undefined) return `${relative} is missing`;
  if (!stat.isFile()) return `${relative} is not a regular file`;
  if (stat.size < expected.bytes) return `${relative} is shorter (${stat.size} bytes) than at the checkpoint (${expected.bytes} bytes)`;
  const hash = createHash('sha256');
  hashPrefix(file, expected.bytes, hash);
  return hash.digest('hex') === expected.sha256 ? null : `${relative} differs from the checkpoint (sha256 of its first ${expected.bytes} bytes)`;
}

/** The first `bytes` bytes of the stream `relative` (see {@link checkStreamPrefix}) as UTF-8 text. */
export function readStreamPrefix(root: string, relative: string, bytes: number): string {
  const { file } = streamFileOf(root, relative);
  const buffer = Buffer.alloc(bytes);
  const fd = fs.openSync(file, 'r');
  try {
    let done = 0;
    while (done < bytes) {
      const n = fs.readSync(fd, buffer, done, bytes - done, done);
      if (n === 0) break;
      done += n;
    }
  } finally {
    fs.closeSync(fd);
  }
  return buffer.toString('utf8');
}
