import { afterEach, describe, expect, it, vi } from 'vitest';
import { Output, SPINNER_DELAY_MS, spinnerLoader } from '../../src/output/output.js';
import { fakeIo } from '../helpers/io.js';
import { Terminal } from '../../src/terminal/terminal.js';

const opts = { json: false, quiet: false, color: true, debug: false };

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('the spinner', () => {
  it('a wait shorter than ~200 ms draws nothing and does not even load ora', async () => {
    vi.useFakeTimers();
    const load = vi.spyOn(spinnerLoader, 'load');
    const { io, stderr } = fakeIo({ tty: true, env: { TERM: 'xterm' } });
    const out = new Output(new Terminal(io, opts));
    const done = out.during('Loading', () => new Promise((r) => setTimeout(r, SPINNER_DELAY_MS - 20)));
    await vi.advanceTimersByTimeAsync(SPINNER_DELAY_MS + 500);
    await done;
    expect(load).not.toHaveBeenCalled();
    expect(stderr.text).toBe('');
  });

  it('a longer wait loads ora in the timer and draws', async () => {
    vi.useFakeTimers();
    const load = vi.spyOn(spinnerLoader, 'load');
    const { io, stderr } = fakeIo({ tty: true, env: { TERM: 'xterm' } });
    const out = new Output(new Terminal(io, opts));
    const done = out.during('Loading', () => new Promise((r) => setTimeout(r, 1000)));
    await vi.advanceTimersByTimeAsync(SPINNER_DELAY_MS - 10);
    expect(load).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(300);
    expect(load).toHaveBeenCalledTimes(1);
    await load.mock.results[0]!.value;
    await vi.advanceTimersByTimeAsync(1000);
    await done;
    expect(stderr.text).toContain('Loading');
  });

  it('animates only where it may: not under --json, --quiet, TERM=dumb, off a terminal, or at width 0', () => {
    const animate = (o: Partial<typeof opts>, env: Record<string, string>, tty = true, columns = 80) => {
      const { io, stderr } = fakeIo({ tty, env });
      stderr.columns = columns;
      return new Output(new Terminal(io, { ...opts, ...o })).animate;
    };
    expect(animate({}, { TERM: 'xterm' })).toBe(true);
    expect(animate({ json: true }, {})).toBe(false);
    expect(animate({ quiet: true }, {})).toBe(false);
    expect(animate({}, { TERM: 'dumb' })).toBe(false);
    expect(animate({}, {}, false)).toBe(false);
    expect(animate({}, {}, true, 0)).toBe(false);
  });
});
