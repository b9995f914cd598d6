import type { RetryPolicy } from './api/retry.js';
import type { Clock } from './runtime/clock.js';

/**
 * What main() may be handed instead of its defaults; tests use it to run back-off and polling
 * fast. Each is resolved where it is used, so the default path loads nothing more.
 */
export interface Deps {
  /** API retries (default DEFAULT_RETRY: 3 retries from 300 ms). */
  retry?: RetryPolicy;
  /** How waits are timed (default: real timers). */
  clock?: Clock;
  /** The smallest `threads show --follow --interval`, in seconds (default 1). */
  minIntervalS?: number;
}
