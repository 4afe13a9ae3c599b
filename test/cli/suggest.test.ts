import { describe, expect, it } from 'vitest';
import { didYouMean, nearestName, snakeCase } from '../../src/cli/suggest.ts';

const KEYS = ['max_attempts', 'backoff_base', 'backoff_cap', 'report_dir', 'seed', 'strategy'];

describe('nearestName', () => {
  it('matches a known name written in another case style outright', () => {
    expect(snakeCase('maxAttempts')).toBe('max_attempts');
    expect(snakeCase('report-dir')).toBe('report_dir');
    expect(nearestName('MAX_ATTEMPTS', KEYS)).toBe('max_attempts');
    expect(nearestName('backoffCap', KEYS)).toBe('backoff_cap');
  });
  it('takes the closest within max(2, a third of the length) edits', () => {
    expect(nearestName('max_attemps', KEYS)).toBe('max_attempts'); // 1 edit
    expect(nearestName('stratgey', KEYS)).toBe('strategy'); // 2 edits
    expect(nearestName('sed', KEYS)).toBe('seed');
    expect(nearestName('colour', KEYS)).toBeNull();
    expect(nearestName('x', [])).toBeNull();
  });
  it('renders as a parenthesis, or nothing', () => {
    expect(didYouMean('sede', KEYS)).toBe(' (did you mean seed?)');
    expect(didYouMean('zzzzzz', KEYS)).toBe('');
  });
});
