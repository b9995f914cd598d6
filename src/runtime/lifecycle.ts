/** Work to finish before main() returns (closing keep-alive pools so the process ends at once). */
const cleanups: Array<() => Promise<void>> = [];

export function atEnd(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

export async function runCleanups(): Promise<void> {
  const fns = cleanups.splice(0);
  await Promise.all(fns.map((f) => f().catch(() => {})));
}
