import { describe, expect, it } from 'vitest';
import { DEFAULT_OPTIONS } from '../../src/options.ts';
import { allowedAttempts, applyJitter, backoffStep, INITIAL_BACKOFF, type BackoffStep } from '../../src/simulate/backoff.ts';
import { admission, closedBreaker, cooldownElapsed, probeStarted, recordOutcome, windowFailureRate, type BreakerState } from '../../src/simulate/breaker.ts';
import { activeGates, runGates, type GateContext } from '../../src/simulate/gates.ts';
import { pred, profile, task } from '../helpers/builders.ts';

function delays(step: BackoffStep | null, n: number): number[] {
  if (step === null) return [];
  const out: number[] = [];
  let state = INITIAL_BACKOFF;
  for (let i = 0; i < n; i++) {
    const [delay, next] = step(state);
    out.push(delay);
    state = next;
  }
  return out;
}

describe('backoff', () => {
  const base = { baseS: 2, capS: 60 };
  it('exponential doubles from the base up to the cap', () => {
    expect(delays(backoffStep({ ...base, policy: 'exponential' }), 7)).toEqual([2, 4, 8, 16, 32, 60, 60]);
  });
  it('linear grows by the base up to the cap', () => {
    expect(delays(backoffStep({ ...base, policy: 'linear' }), 4)).toEqual([2, 4, 6, 8]);
    expect(delays(backoffStep({ baseS: 25, capS: 60, policy: 'linear' }), 4)).toEqual([25, 50, 60, 60]);
  });
  it('fixed repeats the base', () => {
    expect(delays(backoffStep({ ...base, policy: 'fixed' }), 3)).toEqual([2, 2, 2]);
  });
  it('none has no step and allows one attempt', () => {
    expect(backoffStep({ ...base, policy: 'none' })).toBeNull();
    expect(allowedAttempts({ policy: 'none', maxAttempts: 4 })).toBe(1);
    expect(allowedAttempts({ policy: 'fixed', maxAttempts: 4 })).toBe(4);
  });
  it('steps are immutable: the same state gives the same delay', () => {
    const step = backoffStep({ ...base, policy: 'exponential' });
    expect(step?.(INITIAL_BACKOFF)).toEqual(step?.(INITIAL_BACKOFF));
    expect(INITIAL_BACKOFF).toEqual({ retry: 0 });
  });
  it('jitter: none keeps, full scales by u, equal keeps half plus u of the other half', () => {
    expect(applyJitter(8, 'none', 0.25)).toBe(8);
    expect(applyJitter(8, 'full', 0.25)).toBe(2);
    expect(applyJitter(8, 'equal', 0.25)).toBe(5);
    expect(applyJitter(8, 'full', 0)).toBe(0);
    expect(applyJitter(8, 'equal', 0)).toBe(4);
  });
});

describe('circuit breaker transitions: consecutive', () => {
  const options = { ...DEFAULT_OPTIONS.breaker, policy: 'consecutive', threshold: 3, cooldownS: 60 } as const;
  const CLOSED = closedBreaker(options);
  const closedAt = (consecutiveFailures: number): BreakerState => ({ kind: 'closed', count: { policy: 'consecutive', consecutiveFailures } });
  it('counts consecutive failures and resets on success while closed', () => {
    let state: BreakerState = CLOSED;
    state = recordOutcome(state, false, false, 1, options).state;
    state = recordOutcome(state, false, false, 2, options).state;
    expect(state).toEqual(closedAt(2));
    state = recordOutcome(state, true, false, 3, options).state;
    expect(state).toEqual(CLOSED);
  });
  it('opens at the threshold with the cooldown end, and not before', () => {
    expect(recordOutcome(closedAt(1), false, false, 100, options)).toEqual({ state: closedAt(2), opened: false });
    const t = recordOutcome(closedAt(2), false, false, 100, options);
    expect(t).toEqual({ state: { kind: 'open', openedAtS: 100, halfOpenAtS: 160, downSinceS: 100 }, opened: true });
    expect(admission(t.state)).toBe('refuse');
  });
  it('ignores outcomes of attempts started before it opened', () => {
    const open: BreakerState = { kind: 'open', openedAtS: 100, halfOpenAtS: 160, downSinceS: 100 };
    expect(recordOutcome(open, true, false, 110, options)).toEqual({ state: open, opened: false });
    expect(recordOutcome(open, false, false, 110, options)).toEqual({ state: open, opened: false });
  });
  it('goes half-open after the cooldown and admits exactly one probe', () => {
    const open: BreakerState = { kind: 'open', openedAtS: 100, halfOpenAtS: 160, downSinceS: 90 };
    expect(() => cooldownElapsed(open, 159)).toThrow(RangeError);
    expect(cooldownElapsed(CLOSED, 10)).toBe(CLOSED);
    const half = cooldownElapsed(open, 160);
    expect(half).toEqual({ kind: 'half-open', probeInFlight: false, downSinceS: 90 });
    expect(admission(half)).toBe('probe');
    const probing = probeStarted(half);
    expect(probing).toEqual({ kind: 'half-open', probeInFlight: true, downSinceS: 90 });
    expect(admission(probing)).toBe('refuse');
    expect(probeStarted(CLOSED)).toBe(CLOSED);
    expect(recordOutcome(probing, false, false, 170, options).state).toBe(probing);
  });
  it('closes on a successful probe and re-opens on a failed one, keeping when it went down', () => {
    const probing: BreakerState = { kind: 'half-open', probeInFlight: true, downSinceS: 90 };
    expect(recordOutcome(probing, true, true, 200, options)).toEqual({ state: CLOSED, opened: false });
    expect(recordOutcome(probing, false, true, 200, options)).toEqual({
      state: { kind: 'open', openedAtS: 200, halfOpenAtS: 260, downSinceS: 90 },
      opened: true,
    });
  });
});

describe('circuit breaker transitions: sampling window', () => {
  // window 4, at least 3 attempts in, opens at a failure rate >= 0.5.
  const options = { ...DEFAULT_OPTIONS.breaker, policy: 'sampling', window: 4, minAttempts: 3, failureRate: 0.5, cooldownS: 10 } as const;
  const feed = (outcomes: readonly boolean[]): { state: BreakerState; openedAt: number | null } => {
    let state = closedBreaker(options);
    let openedAt: number | null = null;
    outcomes.forEach((succeeded, i) => {
      const t = recordOutcome(state, succeeded, false, i + 1, options);
      if (t.opened && openedAt === null) openedAt = i + 1;
      state = t.state;
    });
    return { state, openedAt };
  };
  it('stays closed until min_attempts are in, however many fail', () => {
    expect(feed([false, false])).toEqual({ state: { kind: 'closed', count: { policy: 'sampling', outcomes: [true, true] } }, openedAt: null });
  });
  it('opens at the min_attempts-th attempt when the rate is at the threshold', () => {
    // ok, fail, fail: 2 of 3 failed (0.67 >= 0.5) at the third outcome.
    expect(feed([true, false, false]).openedAt).toBe(3);
    // fail, ok, ok, fail: 1/3 at the third, 2/4 = 0.5 at the fourth: opens (>=, not >).
    expect(feed([false, true, true, false]).openedAt).toBe(4);
  });
  it('slides: the oldest outcome leaves the window once it is full', () => {
    // ok ok ok fail | ok: window [ok ok fail ok] = 1/4; then fail: [ok fail ok fail] = 2/4 opens at 6.
    const { state, openedAt } = feed([true, true, true, false, true, false]);
    expect(openedAt).toBe(6);
    expect(state).toEqual({ kind: 'open', openedAtS: 6, halfOpenAtS: 16, downSinceS: 6 });
    // Without sliding, 2 of 6 = 0.33 would not open: the window is the last 4.
    expect(feed([true, true, true, false, true]).state).toEqual({
      kind: 'closed',
      count: { policy: 'sampling', outcomes: [true, true, false, true].map((ok) => !ok) },
    });
  });
  it('a below-threshold rate does not open: 1 of 3 failed', () => {
    expect(feed([true, false, true]).openedAt).toBeNull();
  });
  it('a closing probe starts a fresh, empty window', () => {
    const probing: BreakerState = { kind: 'half-open', probeInFlight: true, downSinceS: 0 };
    expect(recordOutcome(probing, true, true, 50, options).state).toEqual({ kind: 'closed', count: { policy: 'sampling', outcomes: [] } });
  });
  it('windowFailureRate: null below min attempts or empty', () => {
    expect(windowFailureRate([], 0)).toBeNull();
    expect(windowFailureRate([true], 2)).toBeNull();
    expect(windowFailureRate([true, false], 2)).toBe(0.5);
  });
});

describe('safety gates', () => {
  const context = (over: Partial<GateContext>): GateContext => ({
    agents: [profile('A')],
    dependency: null,
    task: task('t', [pred('A', 0.5)]),
    agent: profile('A'),
    attempt: 0,
    p: 0.5,
    risk: 'MEDIUM',
    nowS: 0,
    waveStartS: 0,
    options: DEFAULT_OPTIONS.gates,
    ...over,
  });
  const gates = activeGates(DEFAULT_OPTIONS.gates);

  it('runs min_probability, high_risk, dependencies and capabilities by default, wave_deadline only when set', () => {
    expect(gates.map((g) => g.name)).toEqual(['min_probability', 'high_risk', 'dependencies', 'capabilities']);
    expect(activeGates({ ...DEFAULT_OPTIONS.gates, allowHighRisk: true, waveDeadlineS: 100 }).map((g) => g.name)).toEqual([
      'min_probability',
      'wave_deadline',
      'dependencies',
      'capabilities',
    ]);
  });
  it('dependencies refuses naming the dependency and how it ended', () => {
    const ref = { wave: 2, taskId: 'build' };
    expect(runGates(gates, context({ dependency: { ref, status: 'failed' } }))).toEqual({ gate: 'dependencies', reason: 'dependency build (wave 2) ended failed' });
    expect(runGates(gates, context({ dependency: { ref, status: 'blocked' } }))?.reason).toBe('dependency build (wave 2) ended blocked');
    expect(runGates(gates, context({ dependency: { ref, status: 'unknown' } }))?.reason).toBe('dependency build (wave 2) has no outcome in this run');
  });
  it('capabilities refuses a task no candidate is capable of, naming what each lacks', () => {
    const agents = [profile('A', { capabilities: ['gpu'] }), profile('B', { capabilities: ['tpu'] }), profile('C', { capabilities: ['gpu', 'tpu'] })];
    const needs = task('t', [pred('A', 0.5), pred('B', 0.5)], { requires: ['gpu', 'tpu'] });
    expect(runGates(gates, context({ agents, task: needs }))).toEqual({
      gate: 'capabilities',
      reason: 'no candidate has every required capability (gpu, tpu): A lacks tpu; B lacks gpu',
    });
    // C has both, but it is no candidate; once it is, the task may run (on any agent: the gate asks about candidates).
    const withC = task('t', [pred('A', 0.5), pred('B', 0.5), pred('C', 0.5)], { requires: ['gpu', 'tpu'] });
    expect(runGates(gates, context({ agents, task: withC }))).toBeNull();
    expect(runGates(gates, context({ agents, task: task('t', [pred('A', 0.5)]) }))).toBeNull();
  });
  it('min_probability refuses below 0.10 and allows at it', () => {
    expect(runGates(gates, context({ p: 0.099 }))?.gate).toBe('min_probability');
    expect(runGates(gates, context({ p: 0.1 }))).toBeNull();
  });
  it('high_risk refuses HIGH below 0.30 only', () => {
    expect(runGates(gates, context({ p: 0.29, risk: 'HIGH' }))).toEqual({
      gate: 'high_risk',
      reason: 'risk HIGH with p=0.29 below high_risk_floor 0.30',
    });
    expect(runGates(gates, context({ p: 0.3, risk: 'HIGH' }))).toBeNull();
    expect(runGates(gates, context({ p: 0.29, risk: 'MEDIUM' }))).toBeNull();
  });
  it('the first refusal wins', () => {
    expect(runGates(gates, context({ p: 0.05, risk: 'HIGH' }))?.gate).toBe('min_probability');
  });
  it('wave_deadline refuses attempts starting after the deadline', () => {
    const options = { ...DEFAULT_OPTIONS.gates, waveDeadlineS: 100 };
    const withDeadline = activeGates(options);
    expect(runGates(withDeadline, context({ options, nowS: 1100, waveStartS: 1000 }))).toBeNull();
    expect(runGates(withDeadline, context({ options, nowS: 1100.5, waveStartS: 1000 }))?.gate).toBe('wave_deadline');
  });
});
