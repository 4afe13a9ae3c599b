import { createHash } from 'node:crypto';
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LineReadError, readLines } from '../../src/io/lines.ts';
import { makeInput } from './helpers.ts';

async function collect(content: string | Buffer, chunkBytes?: number): Promise<{ lines: [number, string][]; stats: Awaited<ReturnType<typeof readLines>> }> {
  const dir = await makeInput({ 'f.jsonl': content });
  const lines: [number, string][] = [];
  const stats = await readLines(join(dir, 'f.jsonl'), (text, n) => lines.push([n, text]), chunkBytes);
  return { lines, stats };
}

describe('readLines', () => {
  it('strips a BOM on line 1, CRLF endings, skips blank lines but counts them, reads a last line without newline', async () => {
    const { lines, stats } = await collect('\uFEFF{"a":1}\r\n\r\n   \n{"b":2}\r\n\n{"c":3}');
    expect(lines).toEqual([
      [1, '{"a":1}'],
      [4, '{"b":2}'],
      [6, '{"c":3}'],
    ]);
    expect(stats.nonBlankLines).toBe(3);
    expect(stats.totalLines).toBe(6);
  });

  it('gives the same lines whatever the chunk size, a multi-byte character split across chunks included', async () => {
    const content = '{"name":"é😀"}\n\n{"x":"ü"}\r\n{"y":1}';
    const whole = await collect(content);
    for (const size of [1, 2, 3, 5, 7]) {
      const small = await collect(content, size);
      expect(small.lines).toEqual(whole.lines);
    }
    expect(whole.lines).toEqual([
      [1, '{"name":"é😀"}'],
      [3, '{"x":"ü"}'],
      [4, '{"y":1}'],
    ]);
  });

  it('hashes the exact bytes, BOM and CRLF included', async () => {
    const content = '\uFEFF{"a":1}\r\n{"b":2}';
    const { stats } = await collect(content, 4);
    expect(stats.sha256).toBe(createHash('sha256').update(Buffer.from(content, 'utf8')).digest('hex'));
  });

  it('handles an empty file', async () => {
    const { lines, stats } = await collect('');
    expect(lines).toEqual([]);
    expect(stats).toEqual({ sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', nonBlankLines: 0, totalLines: 0 });
  });

  it('refuses bytes that are not UTF-8, naming the line', async () => {
    const bad = Buffer.concat([Buffer.from('{"a":1}\n{"b":2}\n{"c":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}\n')]);
    const dir = await makeInput({ 'f.jsonl': bad });
    const error = await readLines(join(dir, 'f.jsonl'), () => undefined, 4).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LineReadError);
    expect((error as LineReadError).line).toBe(3);
  });

  it('rejects with the fs error for a missing file', async () => {
    const dir = await makeInput({});
    await expect(readLines(join(dir, 'none.jsonl'), () => undefined)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('readLines limits', () => {
  async function readWith(content: string, chunkBytes: number, maxLineBytes: number): Promise<[number, string][] | LineReadError> {
    const dir = await makeInput({ 'f.jsonl': content });
    const lines: [number, string][] = [];
    try {
      await readLines(join(dir, 'f.jsonl'), (text, n) => lines.push([n, text]), chunkBytes, maxLineBytes);
      return lines;
    } catch (error: unknown) {
      if (error instanceof LineReadError) return error;
      throw error;
    }
  }

  it('accepts lines up to the limit and refuses the first longer one, at its line number, whatever the chunk size', async () => {
    // Lines of 9, 11 and 12 bytes; the limit is 11.
    const content = '{"a":123}\n\n{"b":12345}\n{"c":123456}\n{"d":1}\n';
    for (const chunk of [1, 3, 4, 10, 64]) {
      const result = await readWith(content, chunk, 11);
      expect(result, `chunk ${chunk}`).toBeInstanceOf(LineReadError);
      expect((result as LineReadError).line, `chunk ${chunk}`).toBe(4);
      expect((result as LineReadError).message).toBe('line longer than 11 bytes');
    }
    expect(await readWith('{"a":123}\n{"b":12345}\n{"b":12345}', 4, 11)).toEqual([
      [1, '{"a":123}'],
      [2, '{"b":12345}'],
      [3, '{"b":12345}'],
    ]);
  });

  it('refuses an endless line without a newline before holding more than the limit', async () => {
    const result = await readWith(`{"a":1}\n${'x'.repeat(100)}`, 7, 50);
    expect(result).toBeInstanceOf(LineReadError);
    expect((result as LineReadError).line).toBe(2);
  });

  it.skipIf(process.platform === 'win32')('refuses to open a symbolic link (ELOOP): links are resolved by discovery first', async () => {
    const dir = await makeInput({ 'f.jsonl': '{"a":1}\n' });
    await symlink(join(dir, 'f.jsonl'), join(dir, 'link.jsonl'));
    await expect(readLines(join(dir, 'link.jsonl'), () => undefined)).rejects.toMatchObject({ code: 'ELOOP' });
  });
});
