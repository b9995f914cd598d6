/**
 * Milliseconds from an arbitrary origin, for measuring durations. Not `performance.now()`: its
 * first use loads perf_hooks (~0.5 ms of every command's start-up).
 */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}
