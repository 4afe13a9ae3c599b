import { describe, expect, it } from 'vitest';
import { naturalCompare, sortNatural } from '../src/util/natural.ts';

describe('naturalCompare', () => {
  it('orders digit runs by value', () => {
    expect(sortNatural(['agent_10', 'agent_2', 'agent_1'], (s) => s)).toEqual(['agent_1', 'agent_2', 'agent_10']);
  });
  it('orders text runs by code unit and shorter prefixes first', () => {
    expect(sortNatural(['b', 'a2', 'a', 'a10', 'A'], (s) => s)).toEqual(['A', 'a', 'a2', 'a10', 'b']);
  });
  it('is a total order on equal values with different leading zeros', () => {
    expect(naturalCompare('t01', 't1')).toBeGreaterThan(0);
    expect(naturalCompare('t1', 't01')).toBeLessThan(0);
    expect(naturalCompare('t1', 't1')).toBe(0);
  });
  it('compares long digit runs beyond Number precision', () => {
    expect(naturalCompare('x99999999999999999999', 'x100000000000000000000')).toBeLessThan(0);
  });
});
