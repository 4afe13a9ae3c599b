import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputError } from '../../src/errors.ts';
import { checkStreamPrefix, digestOf, OutputFolder, tempPathOf, type StreamFile } from '../../src/io/atomic.ts';
import { failingFs, NODE_OUTPUT_FS } from '../../src/io/output-fs.ts';
import { removeTempDirs, tempDir } from '../e2e/helpers.ts';

afterAll(removeTempDirs);

const sha = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('tempPathOf', () => {
  it('is a hidden name in the same folder', () => {
    expect(tempPathOf('run.json')).toBe('.run.json.tmp');
    expect(tempPathOf('wave_1/agent_0/executed_tasks.jsonl')).toBe('wave_1/agent_0/.executed_tasks.jsonl.tmp');
  });
});

describe('OutputFolder.writeFile', () => {
  it('writes the joined chunks, creates folders, and returns length and sha256', () => {
    const root = tempDir('p21-atomic-');
    const folder = new OutputFolder(root, NODE_OUTPUT_FS, '--out');
    const digest = folder.writeFile('a/b/c.jsonl', ['{"x":1}\n', '{"x":2}\n']);
    expect(readFileSync(path.join(root, 'a/b/c.jsonl'), 'utf8')).toBe('{"x":1}\n{"x":2}\n');
    expect(digest).toEqual({ path: 'a/b/c.jsonl', bytes: 16, sha256: sha('{"x":1}\n{"x":2}\n') });
    expect(readdirSync(path.join(root, 'a/b'))).toEqual(['c.jsonl']);
    expect(digestOf(root, 'a/b/c.jsonl')).toEqual(digest);
  });

  it('counts bytes, not UTF-16 units', () => {
    const folder = new OutputFolder(tempDir('p21-atomic-'), NODE_OUTPUT_FS, '--out');
    expect(folder.writeFile('u.txt', ['é→']).bytes).toBe(5);
  });

  it('replaces a symbolic link at the final name with the file, leaving the link target untouched', () => {
    const root = tempDir('p21-atomic-');
    const outside = path.join(tempDir('p21-outside-'), 'precious.txt');
    writeFileSync(outside, 'precious\n');
    symlinkSync(outside, path.join(root, 'report.md'));
    new OutputFolder(root, NODE_OUTPUT_FS, '--report-dir').writeFile('report.md', ['# new\n']);
    expect(lstatSync(path.join(root, 'report.md')).isSymbolicLink()).toBe(false);
    expect(readFileSync(path.join(root, 'report.md'), 'utf8')).toBe('# new\n');
    expect(readFileSync(outside, 'utf8')).toBe('precious\n');
  });

  it('never writes through a link at the temporary name either', () => {
    const root = tempDir('p21-atomic-');
    const outside = path.join(tempDir('p21-outside-'), 'precious.txt');
    writeFileSync(outside, 'precious\n');
    symlinkSync(outside, path.join(root, '.x.json.tmp'));
    new OutputFolder(root, NODE_OUTPUT_FS, '--out').writeFile('x.json', ['{}\n']);
    expect(readFileSync(path.join(root, 'x.json'), 'utf8')).toBe('{}\n');
    expect(readFileSync(outside, 'utf8')).toBe('precious\n');
  });

  it('refuses to write through a folder that is a symbolic link', () => {
    const root = tempDir('p21-atomic-');
    const elsewhere = tempDir('p21-outside-');
    symlinkSync(elsewhere, path.join(root, 'wave_1'));
    const folder = new OutputFolder(root, NODE_OUTPUT_FS, '--out');
    expect(() => folder.writeFile('wave_1/x.jsonl', ['x\n'])).toThrow(/^--out: wave_1 is a symbolic link; refusing to write through it/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('a full disk is an OutputError naming the file; nothing appears at the final name and the temporary file is gone', () => {
    const root = tempDir('p21-atomic-');
    const full = failingFs(NODE_OUTPUT_FS, 'ENOSPC', (op) => op === 'write');
    const folder = new OutputFolder(root, full, '--out');
    let error: unknown = null;
    try {
      folder.writeFile('big.jsonl', ['x\n']);
    } catch (e: unknown) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toBe('--out: cannot write .big.jsonl.tmp: no space left on device (ENOSPC)');
    expect(readdirSync(root)).toEqual([]);
  });
});

describe('streams', () => {
  function streamWith(root: string, lines: readonly string[]): StreamFile {
    const stream = new OutputFolder(root, NODE_OUTPUT_FS, '--out').openStream('s.jsonl');
    for (const line of lines) stream.append(line);
    return stream;
  }

  it('stay at the temporary name until finished; a checkpoint gives the bytes and sha256 so far', () => {
    const root = tempDir('p21-stream-');
    const stream = streamWith(root, ['a\n', 'b\n']);
    expect(stream.checkpoint()).toEqual({ path: 's.jsonl', bytes: 4, sha256: sha('a\nb\n') });
    stream.append('c\n');
    expect(existsSync(path.join(root, 's.jsonl'))).toBe(false);
    expect(readFileSync(path.join(root, '.s.jsonl.tmp'), 'utf8')).toBe('a\nb\n');
    expect(stream.finish()).toEqual({ path: 's.jsonl', bytes: 6, sha256: sha('a\nb\nc\n') });
    expect(readdirSync(root)).toEqual(['s.jsonl']);
  });

  it('reopen cuts a stream back to its checkpoint and continues from there, from the temporary or the final name', () => {
    for (const finishFirst of [false, true]) {
      const root = tempDir('p21-stream-');
      const stream = streamWith(root, ['a\n', 'b\n']);
      const at = stream.checkpoint();
      stream.append('half-written wave\n');
      if (finishFirst) stream.finish();
      else stream.abandon();
      const folder = new OutputFolder(root, NODE_OUTPUT_FS, '--out');
      expect(checkStreamPrefix(root, 's.jsonl', at)).toBeNull();
      const reopened = folder.reopenStream('s.jsonl', at);
      if ('problem' in reopened) throw new Error(reopened.problem);
      reopened.append('c\n');
      expect(reopened.finish()).toEqual({ path: 's.jsonl', bytes: 6, sha256: sha('a\nb\nc\n') });
      expect(readFileSync(path.join(root, 's.jsonl'), 'utf8')).toBe('a\nb\nc\n');
      expect(readdirSync(root)).toEqual(['s.jsonl']);
    }
  });

  it('reopen reports a stream that is missing, shorter than, or different from its checkpoint', () => {
    const root = tempDir('p21-stream-');
    mkdirSync(root, { recursive: true });
    const folder = new OutputFolder(root, NODE_OUTPUT_FS, '--out');
    const at = { path: 's.jsonl', bytes: 4, sha256: sha('a\nb\n') };
    expect(folder.reopenStream('s.jsonl', at)).toEqual({ problem: 's.jsonl is missing' });
    writeFileSync(path.join(root, '.s.jsonl.tmp'), 'a\n');
    expect(checkStreamPrefix(root, 's.jsonl', at)).toBe('s.jsonl is shorter (2 bytes) than at the checkpoint (4 bytes)');
    writeFileSync(path.join(root, '.s.jsonl.tmp'), 'a\nB\nmore\n');
    expect(checkStreamPrefix(root, 's.jsonl', at)).toBe('s.jsonl differs from the checkpoint (sha256 of its first 4 bytes)');
    expect(folder.reopenStream('s.jsonl', at)).toEqual({ problem: 's.jsonl differs from the checkpoint (sha256 of its first 4 bytes)' });
  });
});
