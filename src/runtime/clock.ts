/**
 * Milliseconds from an arbitrary origin, for measuring durations. Not `performance.now()`: its
 * first use loads perf_hooks (~0.5 ms of every command's start-up).
 */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Time as a command waits on it: retry back-off and --follow's polls. Tests pass a faster one. */
export interface Clock {
  /** Milliseconds from an arbitrary origin. */
  now(): number;
  /** Resolves after `ms`; rejects with InterruptedError once `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}
