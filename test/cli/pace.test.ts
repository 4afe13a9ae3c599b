import { describe, expect, it } from 'vitest';
import { formatDuration, formatEta, formatRate, paceOf } from '../../src/cli/pace.ts';

describe('paceOf', () => {
  it('is done / elapsed seconds, and the rest at that rate', () => {
    // 1251 tasks in 5 s: 250.2 tasks/s; 1251 left: 5 s.
    expect(paceOf(1251, 2502, 5000)).toEqual({ rate: 250.2, etaS: 5 });
    expect(paceOf(100, 400, 2000)).toEqual({ rate: 50, etaS: 6 });
  });
  it('is unknown before a task is done or time has passed, and ETA 0 when all are done', () => {
    expect(paceOf(0, 10, 5000)).toEqual({ rate: null, etaS: null });
    expect(paceOf(5, 10, 0)).toEqual({ rate: null, etaS: null });
    expect(paceOf(10, 10, 2000)).toEqual({ rate: 5, etaS: 0 });
    expect(paceOf(0, 0, 0)).toEqual({ rate: null, etaS: 0 });
  });
});

describe('formatting', () => {
  it('durations as m:ss, or h:mm:ss from an hour, rounded down', () => {
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(7.9)).toBe('0:07');
    expect(formatDuration(754)).toBe('12:34');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(-3)).toBe('0:00');
  });
  it('rates with no decimals from 100 tasks/s, one below', () => {
    expect(formatRate(812.4)).toBe('812 tasks/s');
    expect(formatRate(99.96)).toBe('100.0 tasks/s');
    expect(formatRate(8.45)).toBe('8.5 tasks/s'); // half up on the decimal a reader sees
    expect(formatRate(null)).toBe('- tasks/s');
  });
  it('the ETA, or - when unknown', () => {
    expect(formatEta(65)).toBe('ETA 1:05');
    expect(formatEta(null)).toBe('ETA -');
  });
});
