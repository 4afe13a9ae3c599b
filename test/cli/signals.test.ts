import { describe, expect, it } from 'vitest';
import { exitCodeOfSignal, watchSignals } from '../../src/cli/signals.ts';
import type { CancelSignal } from '../../src/cli/io.ts';
import { FakeSignals } from './harness.ts';

function hooks() {
  const events: string[] = [];
  return {
    events,
    hooks: {
      onCancel: (signal: CancelSignal) => events.push(`cancel ${signal}`),
      onForce: (signal: CancelSignal, first: CancelSignal) => events.push(`force ${signal} after ${first}`),
    },
  };
}

describe('exitCodeOfSignal', () => {
  it('is 128 + the signal number', () => {
    expect(exitCodeOfSignal('SIGINT')).toBe(130);
    expect(exitCodeOfSignal('SIGTERM')).toBe(143);
  });
});

describe('watchSignals', () => {
  it('aborts with the first signal as the reason and tells the command', () => {
    const port = new FakeSignals();
    const h = hooks();
    const cancel = watchSignals(port, h.hooks);
    expect(port.listeners()).toBe(2);
    expect(cancel.signal.aborted).toBe(false);
    expect(cancel.received()).toBeNull();
    port.send('SIGTERM');
    expect(cancel.signal.aborted).toBe(true);
    expect(cancel.signal.reason).toBe('SIGTERM');
    expect(cancel.received()).toBe('SIGTERM');
    expect(h.events).toEqual(['cancel SIGTERM']);
    expect(port.exits).toEqual([]);
  });
  it('ends the process at once on a second signal, with the exit code of the first', () => {
    const port = new FakeSignals();
    const h = hooks();
    watchSignals(port, h.hooks);
    port.send('SIGINT');
    port.send('SIGTERM');
    expect(h.events).toEqual(['cancel SIGINT', 'force SIGTERM after SIGINT']);
    expect(port.exits).toEqual([130]);
  });
  it('removes its handlers on close, once, after a turn of the event loop', async () => {
    const port = new FakeSignals();
    const cancel = watchSignals(port, hooks().hooks);
    const closing = cancel.close();
    expect(port.listeners()).toBe(2); // a signal already queued still reaches its handler
    await closing;
    await cancel.close();
    expect(port.listeners()).toBe(0);
    port.send('SIGINT');
    expect(cancel.signal.aborted).toBe(false);
  });
  it('without a port, gives a signal that never fires', async () => {
    const cancel = watchSignals(undefined, hooks().hooks);
    expect(cancel.signal.aborted).toBe(false);
    await cancel.close();
  });
});
