import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { DEFAULT_OPTIONS } from '../../src/options.ts';
import { harness } from './harness.ts';

async function helpOf(argv: readonly string[], columns?: number): Promise<string> {
  const h = harness();
  const io = columns === undefined ? h.io : { ...h.io, stdout: { ...h.io.stdout, columns } };
  expect(await main(argv, io)).toBe(0);
  expect(h.stderr()).toBe('');
  return h.stdout();
}

const help = await helpOf(['phase', '--help']);
/** The help text with wrapped description lines joined, so a phrase split over two lines still matches. */
const flat = help.replace(/\n {31}/g, ' ');

/** Every option contract section 9 names that this version implements, written out independently of the code. */
const EXPECTED_OPTIONS = [
  'input', 'out', 'report-dir', 'waves', 'strategy', 'retry', 'jitter', 'max-attempts', 'backoff-base',
  'backoff-cap', 'breaker-threshold', 'breaker-cooldown', 'min-probability', 'high-risk-floor',
  'allow-high-risk', 'wave-deadline', 'duration-noise', 'epoch', 'seed', 'agents-file', 'on-invalid',
  'dry-run', 'min-health', 'quiet', 'json', 'debug', 'help', 'version', 'config', 'resume', 'abort-on-failure-rate',
  'breaker', 'breaker-window', 'breaker-min-attempts', 'breaker-failure-rate', 'no-steal', 'world', 'outcomes', 'time-scale',
];

/** The help line (joined over wraps) that documents `--name`. */
function entry(name: string): string {
  const line = flat.split('\n').find((l) => new RegExp(`^ {2}(-\\w, )?--${name}(\\s|$)`).test(l));
  if (line === undefined) throw new Error(`--${name} not in help`);
  return line;
}

describe('phase --help', () => {
  it('starts with the usage line and what the command does', () => {
    expect(help.startsWith('Usage: npm run phase -- [options]\n\nRuns Phase 20')).toBe(true);
    expect(flat).toContain('Times are in simulated seconds, probabilities in [0, 1], health in [0, 100].');
    expect(help.endsWith('\n')).toBe(true);
  });
  it('lists every option once, and no other', () => {
    for (const name of EXPECTED_OPTIONS) expect(entry(name)).toContain(`--${name}`);
    const listed = [...flat.matchAll(/^ {2}(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1]);
    expect([...listed].sort()).toEqual([...EXPECTED_OPTIONS].sort());
  });
  it('groups the options, in this order', () => {
    const titles = help.split('\n').filter((l) => /^[A-Z][\w ]+:$/.test(l));
    expect(titles).toEqual(['Input and output:', 'Strategy and simulation:', 'Retry and circuit breaker:', 'Safety gates:', 'Run control:', 'Exit codes:', 'Examples:']);
    const runControl = help.slice(help.indexOf('Run control:'), help.indexOf('\n\n', help.indexOf('Run control:')));
    for (const name of ['dry-run', 'resume', 'abort-on-failure-rate', 'min-health', 'quiet', 'json', 'debug', 'version', 'help']) expect(runControl).toContain(`--${name}`);
  });
  it('shows placeholders, short aliases, units and accepted values', () => {
    expect(entry('waves').startsWith('  --waves <N> ')).toBe(true);
    expect(entry('help').startsWith('  -h, --help')).toBe(true);
    expect(entry('version').startsWith('  -V, --version')).toBe(true);
    expect(entry('backoff-cap')).toContain('a number of seconds >= 0, and >= --backoff-base');
    expect(entry('strategy')).toContain('one of: round_robin, load_balanced, priority, confidence, schedule, capability');
    expect(entry('abort-on-failure-rate')).toContain('(failed + blocked) / tasks exceeds R; exit 4; a number in [0, 1]');
    expect(entry('config')).toContain('JSON file, keys in snake_case');
    expect(entry('breaker')).toContain('one of: sampling, consecutive (default: sampling)');
    expect(entry('no-steal')).toContain('work stealing');
    expect(entry('no-steal')).toContain('(default: on)');
  });
  it('shows defaults taken from DEFAULT_OPTIONS', () => {
    expect(entry('input')).toContain(`(default: ${DEFAULT_OPTIONS.input})`);
    expect(entry('out')).toContain('(default: outputs)');
    expect(entry('seed')).toContain('(default: 21)');
    expect(entry('strategy')).toContain('(default: load_balanced)');
    expect(entry('max-attempts')).toContain('(default: 4)');
    expect(entry('backoff-base')).toContain('(default: 2 s)');
    expect(entry('backoff-cap')).toContain('(default: 60 s)');
    expect(entry('breaker-cooldown')).toContain('(default: 60 s)');
    expect(entry('min-probability')).toContain('(default: 0.1)');
    expect(entry('duration-noise')).toContain('(default: 0.25)');
    expect(entry('waves')).toContain('(default: all)');
    expect(entry('wave-deadline')).toContain('(default: none)');
    expect(entry('abort-on-failure-rate')).toContain('(default: none)');
    expect(entry('dry-run')).toContain('(default: off)');
    expect(entry('epoch')).toContain('(default: latest input timestamp, else 2000-01-01T00:00:00.000Z)');
  });
  it('explains values, --no- flags, the config file, and every exit code', () => {
    expect(flat).toContain('Each flag has a --no- form (--no-quiet) that turns it off');
    expect(flat).toContain('Schema: schemas/config.schema.json');
    for (const code of ['0', '1', '2', '3', '4', '130', '143']) expect(help).toMatch(new RegExp(`^ {2}${code} +\\w`, 'm'));
    expect(help).toContain('  npm run phase -- --config examples/nightly.json --resume');
  });
  it('fits 80 columns off a terminal, and uses a wider terminal', async () => {
    expect(help.split('\n').filter((l) => l.length > 80)).toEqual([]);
    const wide = await helpOf(['phase', '--help'], 160);
    expect(wide.split('\n').some((l) => l.length > 100)).toBe(true);
    expect(wide).toMatch(/^ {2}--input <DIR> +Phase 20 output to run: a wave_<w>\/agent_<a>\/ tree or a flat folder with predicted_tasks.jsonl \(default: data\/phase20\)$/m);
  });
});
