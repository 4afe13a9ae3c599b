import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OutputError } from '../../src/errors.ts';
import { checkStreamPrefix, digestOf, FLUSH_THRESHOLD, OutputFolder, tempPathOf, type StreamFile } from '../../src/io/atomic.ts';
import { countingFs, failingFs, NODE_OUTPUT_FS, type OutputFs } from '../../src/io/output-fs.ts';
import { removeTempDirs, tempDir } from '../e2e/helpers.ts';
import { mulberry32 } from '../helpers/random.ts';

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

  it('text and bytes written into the buffer keep their order, are written in batches of FLUSH_THRESHOLD units, and hash as one', () => {
    const root = tempDir('p21-stream-');
    const writes: number[] = [];
    const counted = countingFs(NODE_OUTPUT_FS, (op) => {
      if (op === 'write') writes.push(0);
    });
    const stream = new OutputFolder(root, counted, '--out').openStream('s.jsonl');
    const random = mulberry32(7);
    const parts: string[] = [];
    let units = 0;
    let batches = 0;
    const texts = ['{"id":"t1"}\n', 'é→😀 \ud800\n', '', 'x'.repeat(70_000) + '\n', 'ü'.repeat(5000) + '\n'];
    for (let i = 0; i < 3000; i++) {
      const r = random();
      let text: string;
      if (r < 0.5) {
        // ASCII bytes straight into the buffer.
        text = `{"seq":${String(i)},"pad":"${'p'.repeat(Math.floor(random() * 400))}"}\n`;
        const bytes = stream.reserve(text.length + 10);
        const at = stream.end;
        for (let k = 0; k < text.length; k++) bytes[at + k] = text.charCodeAt(k);
        stream.wrote(text.length);
      } else {
        text = texts[Math.floor(random() * texts.length)] as string;
        stream.append(text);
      }
      parts.push(text);
      units += text.length;
      if (units >= FLUSH_THRESHOLD) {
        batches += 1;
        units = 0;
      }
    }
    expect(writes).toHaveLength(batches);
    expect(batches).toBeGreaterThan(10);
    const expected = Buffer.from(parts.join(''), 'utf8');
    const digest = stream.finish();
    expect(digest).toEqual({ path: 's.jsonl', bytes: expected.length, sha256: createHash('sha256').update(expected).digest('hex') });
    expect(readFileSync(path.join(root, 's.jsonl')).equals(expected)).toBe(true);
  });

  it('one text longer than the buffer, and an empty append, still write in one batch with what waits', () => {
    const root = tempDir('p21-stream-');
    const sizes: number[] = [];
    const counted = countingFs(NODE_OUTPUT_FS, () => undefined);
    const recorded: OutputFs = { ...counted, write: (fd, data, position) => {
      sizes.push(data.length);
      counted.write(fd, data, position);
    } };
    const stream = new OutputFolder(root, recorded, '--out').openStream('s.txt');
    const big = 'ab€'.repeat(1_000_000);
    stream.append('head\n');
    stream.append(big);
    stream.append('');
    expect(sizes).toEqual([5 + 5_000_000]);
    stream.append('');
    stream.flush();
    expect(sizes).toEqual([5 + 5_000_000, 0]);
    stream.flush();
    expect(sizes).toHaveLength(2);
    expect(stream.finish().bytes).toBe(5 + 5_000_000);
    expect(readFileSync(path.join(root, 's.txt'), 'utf8')).toBe(`head\n${big}`);
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

describe('fsyncs issued together (deferSyncs, commit, finishTogether, syncDirsTogether)', () => {
  /** node:fs that records each call as `op target` (paths relative to `root`). */
  function recording(root: string): { fs: OutputFs; calls: string[] } {
    const calls: string[] = [];
    const fs = countingFs(NODE_OUTPUT_FS, (op, _n, target) => {
      calls.push(`${op} ${target.startsWith(root) ? path.relative(root, target) || '.' : 'fd'}`);
    });
    return { fs, calls };
  }

  it('a deferred file stays at its temporary name until commit, which syncs every file before renaming any, in writing order', async () => {
    const root = tempDir('p21-defer-');
    const { fs, calls } = recording(root);
    const folder = new OutputFolder(root, fs, '--out');
    const stream = folder.openStream('s.jsonl');
    stream.append('a\n');
    folder.deferSyncs();
    const a = folder.writeFile('w/a.json', ['{"a":1}\n']);
    const b = folder.writeFile('w/b.json', ['{"b":2}\n']);
    expect(a).toEqual({ path: 'w/a.json', bytes: 8, sha256: sha('{"a":1}\n') });
    expect(b).toEqual({ path: 'w/b.json', bytes: 8, sha256: sha('{"b":2}\n') });
    expect(readdirSync(path.join(root, 'w')).sort()).toEqual(['.a.json.tmp', '.b.json.tmp']);
    calls.length = 0;
    const streams = await folder.commit([stream]);
    expect(streams).toEqual([{ path: 's.jsonl', bytes: 2, sha256: sha('a\n') }]);
    expect(calls).toEqual(['write fd', 'fsync fd', 'fsync fd', 'fsync fd', 'close fd', 'rename w/.a.json.tmp', 'close fd', 'rename w/.b.json.tmp']);
    expect(readdirSync(path.join(root, 'w')).sort()).toEqual(['a.json', 'b.json']);
    expect(readFileSync(path.join(root, 'w/b.json'), 'utf8')).toBe('{"b":2}\n');
    // The deferral ended with the commit: the next file is synced and renamed at once.
    calls.length = 0;
    folder.writeFile('c.json', ['{}\n']);
    expect(calls).toEqual(['create .c.json.tmp', 'write fd', 'fsync fd', 'close fd', 'rename .c.json.tmp']);
    calls.length = 0;
    await folder.syncDirsTogether();
    expect(calls).toEqual(['syncDir .', 'syncDir w']);
    await folder.syncDirsTogether();
    expect(calls).toHaveLength(2);
    stream.abandon();
  });

  it('a failing fsync is an OutputError naming the first failing file in writing order; nothing is renamed and the files are closed', async () => {
    const root = tempDir('p21-defer-');
    let fsyncs = 0;
    const failing = failingFs(NODE_OUTPUT_FS, 'EIO', (op) => op === 'fsync' && ++fsyncs >= 2);
    const folder = new OutputFolder(root, failing, '--out');
    folder.deferSyncs();
    folder.writeFile('a.json', ['1\n']);
    folder.writeFile('b.json', ['2\n']);
    folder.writeFile('c.json', ['3\n']);
    await expect(folder.commit()).rejects.toThrow(new OutputError('--out: cannot sync .b.json.tmp: input/output error (EIO)'));
    expect(readdirSync(root).sort()).toEqual(['.a.json.tmp', '.b.json.tmp', '.c.json.tmp']);
    // Closed: removing them is all that is left to do.
    for (const name of ['a.json', 'b.json', 'c.json']) folder.removeFile(tempPathOf(name));
    expect(readdirSync(root)).toEqual([]);
  });

  it('finishTogether renames every stream after syncing all of them, and gives their final digests', async () => {
    const root = tempDir('p21-defer-');
    const { fs, calls } = recording(root);
    const folder = new OutputFolder(root, fs, '--out');
    const one = folder.openStream('one.jsonl');
    const two = folder.openStream('two.jsonl');
    one.append('1\n');
    two.append('22\n');
    calls.length = 0;
    expect(await folder.finishTogether([one, two])).toEqual([
      { path: 'one.jsonl', bytes: 2, sha256: sha('1\n') },
      { path: 'two.jsonl', bytes: 3, sha256: sha('22\n') },
    ]);
    expect(calls).toEqual(['write fd', 'write fd', 'fsync fd', 'fsync fd', 'close fd', 'rename .one.jsonl.tmp', 'close fd', 'rename .two.jsonl.tmp']);
    expect(readdirSync(root).sort()).toEqual(['one.jsonl', 'two.jsonl']);
  });

  it('abandonDeferred closes the deferred files and leaves them at their temporary names', () => {
    const root = tempDir('p21-defer-');
    const { fs, calls } = recording(root);
    const folder = new OutputFolder(root, fs, '--out');
    folder.deferSyncs();
    folder.writeFile('a.json', ['1\n']);
    calls.length = 0;
    folder.abandonDeferred();
    expect(calls).toEqual(['close fd']);
    expect(readdirSync(root)).toEqual(['.a.json.tmp']);
  });
});

describe('discardDeferred', () => {
  it('closes the deferred files and removes their temporary names', () => {
    const root = tempDir('p21-defer-');
    const folder = new OutputFolder(root, NODE_OUTPUT_FS, '--report-dir');
    folder.deferSyncs();
    folder.writeFile('charts/a.svg', ['<svg/>']);
    folder.writeFile('b.html', ['<html></html>']);
    folder.discardDeferred();
    expect(readdirSync(root).sort()).toEqual(['charts']);
    expect(readdirSync(path.join(root, 'charts'))).toEqual([]);
  });
});
