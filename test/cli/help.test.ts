import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPTION_NAMES } from '../../src/cli/args.ts';
import { helpText, versionText, wrap } from '../../src/cli/help.ts';
import { DEFAULT_OPTIONS } from '../../src/options.ts';

const help = helpText();
/** The help text with wrapped lines joined, so a phrase split over two lines still matches. */
const flat = help.replace(/\n {28}/g, ' ');

/** Every option the brief and contract section 9 name, written out independently of args.ts. */
const EXPECTED_OPTIONS = [
  'input', 'out', 'report-dir', 'waves', 'strategy', 'retry', 'jitter', 'max-attempts', 'backoff-base',
  'backoff-cap', 'breaker-threshold', 'breaker-cooldown', 'min-probability', 'high-risk-floor',
  'allow-high-risk', 'wave-deadline', 'duration-noise', 'epoch', 'seed', 'agents-file', 'on-invalid',
  'dry-run', 'min-health', 'resume', 'abort-on-failure-rate', 'quiet', 'json', 'debug', 'help', 'version',
];

/** The help line (joined over wraps) that documents `--name`. */
function entry(name: string): string {
  const line = flat.split('\n').find((l) => new RegExp(`^ {2}(-\\w, )?--${name}(\\s|$)`).test(l));
  if (line === undefined) throw new Error(`--${name} not in help`);
  return line;
}

describe('helpText', () => {
  it('starts with the usage line and ends with a newline', () => {
    expect(help.startsWith('Usage: npm run phase -- [options]\n')).toBe(true);
    expect(help.endsWith('\n')).toBe(true);
  });
  it('lists every option, and the parser knows exactly these', () => {
    for (const name of EXPECTED_OPTIONS) expect(entry(name)).toContain(`--${name}`);
    expect([...OPTION_NAMES].sort()).toEqual([...EXPECTED_OPTIONS].sort());
  });
  it('shows the short aliases', () => {
    expect(entry('help').startsWith('  -h, --help')).toBe(true);
    expect(entry('version').startsWith('  -V, --version')).toBe(true);
  });
  it('shows defaults taken from DEFAULT_OPTIONS', () => {
    expect(entry('input')).toContain(`(default: ${DEFAULT_OPTIONS.input})`);
    expect(entry('out')).toContain('(default: outputs)');
    expect(entry('report-dir')).toContain('(default: reports)');
    expect(entry('seed')).toContain('(default: 21)');
    expect(entry('strategy')).toContain('(default: load_balanced)');
    expect(entry('retry')).toContain('(default: exponential)');
    expect(entry('jitter')).toContain('(default: full)');
    expect(entry('max-attempts')).toContain('(default: 4)');
    expect(entry('backoff-base')).toContain('(default: 2 s)');
    expect(entry('backoff-cap')).toContain('(default: 60 s)');
    expect(entry('breaker-threshold')).toContain('(default: 5)');
    expect(entry('breaker-cooldown')).toContain('(default: 60 s)');
    expect(entry('min-probability')).toContain('(default: 0.1)');
    expect(entry('high-risk-floor')).toContain('(default: 0.3)');
    expect(entry('duration-noise')).toContain('(default: 0.25)');
    expect(entry('waves')).toContain('(default: all)');
    expect(entry('wave-deadline')).toContain('(default: none)');
    expect(entry('min-health')).toContain('(default: none)');
    expect(entry('on-invalid')).toContain('(default: fail)');
    expect(entry('epoch')).toContain('(default: latest input timestamp, else 2000-01-01T00:00:00.000Z)');
    expect(entry('dry-run')).toContain('(default: off)');
  });
  it('shows accepted values and units', () => {
    expect(entry('strategy')).toContain('one of: round_robin, load_balanced, priority, confidence, schedule');
    expect(entry('waves')).toContain('an integer >= 1');
    expect(entry('breaker-cooldown')).toContain('a number of seconds > 0');
    expect(entry('min-health')).toContain('a number in [0, 100]');
    expect(entry('retry')).toContain('none = one attempt per task, whatever --max-attempts says');
  });
  it('groups options under their headings, in order', () => {
    const headings = ['Input and output:', 'Strategy and simulation:', 'Retry and circuit breaker:', 'Safety gates:', 'Run control:', 'Exit codes:', 'Examples:'];
    const positions = headings.map((h) => help.indexOf(`\n${h}\n`));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(help.indexOf('--backoff-cap')).toBeGreaterThan(help.indexOf('Retry and circuit breaker:'));
    expect(help.indexOf('--backoff-cap')).toBeLessThan(help.indexOf('Safety gates:'));
  });
  it('has the exit code table and two examples', () => {
    expect(help).toContain('  0  the run finished\n');
    expect(help).toContain('  1  the run finished, but run health is below --min-health\n');
    expect(help).toContain('  2  usage or input error: nothing was written\n');
    expect(help).toContain('  3  internal error');
    const examples = help.slice(help.indexOf('Examples:')).split('\n').filter((l) => l.startsWith('  npm run phase -- '));
    expect(examples).toHaveLength(2);
  });
  it('keeps every line within 100 columns', () => {
    for (const line of help.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
  });
});

describe('wrap', () => {
  it('pads a short label and wraps with a hanging indent', () => {
    expect(wrap('  -x', 'aa bb cc dd', '      ', 12)).toEqual(['  -x  aa bb', '      cc dd']);
  });
  it('puts the text under a label too long for its column', () => {
    expect(wrap('  --long-label', 'aa bb', '    ', 20)).toEqual(['  --long-label', '    aa bb']);
  });
});

describe('versionText', () => {
  it('prints the version given and a newline', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(versionText(pkg.version)).toBe(`${pkg.version}\n`);
  });
});
