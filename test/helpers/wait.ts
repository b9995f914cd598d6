export interface WaitOptions {
  /** What is awaited, for the failure message ("the listener's URL"); a function is read at the failure. */
  what: string | (() => string);
  /** Default 10 s, under vitest's 20 s test timeout, so the failure names what never came. */
  timeout?: number;
  /** How often the condition is checked (default 5 ms). */
  every?: number;
}

/**
 * Resolves with the condition's first truthy value; rejects, naming `what`, when none comes within
 * `timeout`. The one way tests wait for something: never a bare loop, never a fixed sleep.
 */
export async function waitUntil<T>(cond: () => T | Promise<T>, o: WaitOptions): Promise<NonNullable<T>> {
  const timeout = o.timeout ?? 10_000;
  const deadline = Date.now() + timeout;
  let last: unknown;
  for (;;) {
    try {
      const v = await cond();
      if (v) return v as NonNullable<T>;
      last = undefined;
    } catch (err) {
      last = err;
    }
    if (Date.now() >= deadline) {
      const why = last ? ` (last check threw: ${last instanceof Error ? last.message : String(last)})` : '';
      throw new Error(
        `timed out after ${timeout} ms waiting for ${typeof o.what === 'function' ? o.what() : o.what}${why}`,
      );
    }
    await new Promise((r) => setTimeout(r, o.every ?? 5));
  }
}
