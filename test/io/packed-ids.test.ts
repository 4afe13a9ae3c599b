import { describe, expect, it } from 'vitest';
import { PackedIds } from '../../src/io/packed-ids.ts';
import { mulberry32 } from '../helpers/random.ts';

describe('PackedIds', () => {
  it('holds exactly its ids: prefixes, repeats, non-ASCII and surrogate pairs', () => {
    const ids = PackedIds.from(['ab', 'a', 'abc', 'b', 'a', 'é', 'z\u{1F600}', 'Z', '']);
    expect(ids.size).toBe(8);
    for (const id of ['ab', 'a', 'abc', 'b', 'é', 'z\u{1F600}', 'Z', '']) expect(ids.has(id), id).toBe(true);
    for (const id of ['abcd', 'aa', 'c', 'e', 'z', 'z\u{1F601}', 'A', ' ']) expect(ids.has(id), id).toBe(false);
    expect(PackedIds.from([]).has('a')).toBe(false);
  });

  it('answers like a Set on 2,000 random ids and 4,000 probes', () => {
    const random = mulberry32(7);
    const word = (): string => Array.from({ length: 1 + Math.floor(random() * 6) }, () => 'ab_1\u00e9'.charAt(Math.floor(random() * 5))).join('');
    const held = Array.from({ length: 2000 }, word);
    const set = new Set(held);
    const ids = PackedIds.from(held);
    expect(ids.size).toBe(set.size);
    for (let i = 0; i < 4000; i++) {
      const probe = i % 2 === 0 ? (held[i % held.length] ?? '') : word();
      expect(ids.has(probe), probe).toBe(set.has(probe));
    }
  });
});
