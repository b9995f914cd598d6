import type { Clock } from '../../src/runtime/clock.js';
import type { Deps } from '../../src/deps.js';
import { InterruptedError } from '../../src/errors.js';

export interface FastClock extends Clock {
  /** Every wait asked for, in milliseconds, as the command asked it. */
  readonly waits: number[];
}

/**
 * A clock on which a command's waits (retry back-off, --follow's polls) take `1 / factor` of their
 * time. now() runs on the command's time (the waits whole), so budgets such as --timeout decide
 * as they would for a user; what was asked is kept in `waits` for tests to assert.
 */
export function fastClock(factor = 100): FastClock {
  const waits: number[] = [];
  let skipped = 0;
  return {
    waits,
    now: () => Date.now() + skipped,
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        waits.push(ms);
        if (signal?.aborted) return reject(new InterruptedError());
        const onAbort = () => {
          clearTimeout(timer);
          reject(new InterruptedError());
        };
        const timer = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          skipped += ms - ms / factor;
          resolve();
        }, ms / factor);
        signal?.addEventListener('abort', onAbort, { once: true });
      }),
  };
}

/** What the in-process helpers hand main() unless a test says otherwise: waits 100 times faster. */
export function fastDeps(): Deps & { clock: FastClock } {
  return { clock: fastClock() };
}
