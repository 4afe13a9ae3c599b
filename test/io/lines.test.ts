import { createHash } from 'node:crypto';
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
