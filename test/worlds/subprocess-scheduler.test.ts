import { describe, expect, it } from 'vitest';
import { StalledError } from '../../src/simulate/scheduler.ts';
import { RealTimeScheduler, WaveCanceledError } from '../../src/worlds/subprocess/realtime-scheduler.ts';
import type { TimerPort } from '../../src/worlds/subprocess/realtime-scheduler.ts';

/** A hand-driven clock: a timer's action runs when the test advances the clock past it. */
class FakeTime implements TimerPort {
  ms = 1000;
  readonly #timers = new Map<number, { atMs: number; action: () => void }>();
  #next = 0;
  readonly delays: number[] = [];
  set(action: () => void, delayMs: number): unknown {
    const id = this.#next++;
    this.delays.push(delayMs);
    this.#timers.set(id, { atMs: this.ms + delayMs, action });
    return id;
  }
  clear(handle: unknown): void {
    this.#timers.delete(handle as number);
  }
  /** Moves the clock to the earliest timer and fires it (after a microtask turn). */
  async fireNext(): Promise<void> {
    await flush();
    const [id, timer] = [...this.#timers.entries()].sort((a, b) => a[1].atMs - b[1].atMs)[0] ?? [];
    if (id === undefined || timer === undefined) throw new Error('no timer');
    this.#timers.delete(id);
    this.ms = Math.max(this.ms, timer.atMs);
    timer.action();
    await flush();
  }
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

function make(signal?: AbortSignal): { time: FakeTime; scheduler: RealTimeScheduler } {
  const time = new FakeTime();
  const scheduler = new RealTimeScheduler({ nowMs: () => time.ms, timers: time, startS: 100, ...(signal === undefined ? {} : { signal }) });
  return { time, scheduler };
}

describe('RealTimeScheduler', () => {
  it('reads startS plus the clock outside actions, and each action its own time inside', async () => {
    const { time, scheduler } = make();
    expect(scheduler.now()).toBe(100);
    time.ms += 500;
    expect(scheduler.now()).toBe(100.5);
    const seen: [string, number][] = [];
    scheduler.at(102, () => seen.push(['b', scheduler.now()]));
    scheduler.at(101, () => seen.push(['a', scheduler.now()]));
    scheduler.at(102, () => seen.push(['c', scheduler.now()]));
    let done = false;
    scheduler.at(103, () => (done = true));
    const running = scheduler.runUntil(() => done);
    await time.fireNext(); // to 101 s (late timers would only move the real clock further)
    time.ms += 7; // the timer fired 7 ms late: the action still reads its own time
    await time.fireNext();
    await time.fireNext();
    await running;
    expect(seen).toEqual([['a', 101], ['b', 102], ['c', 102]]);
    expect(time.delays[0]).toBe(500);
  });

  it('tracked work joins the event order; then-callbacks schedule at their own time', async () => {
    const { time, scheduler } = make();
    let finish: (value: number) => void = () => undefined;
    const work = new Promise<number>((resolve) => (finish = resolve));
    const order: string[] = [];
    let done = false;
    scheduler.track(work, (value) => {
      scheduler.at(Math.max(scheduler.now(), 100 + value), () => {
        order.push(`exit at ${scheduler.now()}`);
        done = true;
      });
    });
    expect(scheduler.pending).toBe(1);
    const running = scheduler.runUntil(() => done);
    time.ms += 2000;
    finish(1.5);
    await running;
    expect(order).toEqual(['exit at 101.5']);
    expect(scheduler.pending).toBe(0);
    expect(() => { scheduler.at(101, () => undefined); }).toThrow(RangeError);
  });

  it('rejects with the error of failed tracked work', async () => {
    const { scheduler } = make();
    scheduler.track(Promise.reject(new Error('runner broke')), () => undefined);
    await expect(scheduler.runUntil(() => false)).rejects.toThrow('runner broke');
  });

  it('reports a stall when nothing is queued or pending', async () => {
    const { scheduler } = make();
    await expect(scheduler.runUntil(() => false)).rejects.toBeInstanceOf(StalledError);
  });

  it('an abort while waiting rejects with WaveCanceledError carrying the reason', async () => {
    const controller = new AbortController();
    const { scheduler } = make(controller.signal);
    scheduler.track(new Promise(() => undefined), () => undefined);
    const running = scheduler.runUntil(() => false);
    await flush();
    controller.abort('SIGINT');
    const error: unknown = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WaveCanceledError);
    expect((error as WaveCanceledError).reason).toBe('SIGINT');
  });
});
