import fs from 'node:fs';
import os from 'node:os';

/**
 * Lock files created with O_EXCL (atomic: one process wins). Each holds "<pid> <host>", so a
 * lock left by a crashed process is recognised at once (its pid is gone); one from another host
 * or an older version counts as stale after `staleMs`. Stale locks are removed under a second,
 * short-lived lock (`<lock>.break`), so two processes never both remove one and then each take
 * a new one: the race that lost concurrent config updates.
 */

const HOST = os.hostname();

function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(lock: string, staleMs: number): boolean {
  let text: string;
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(lock, { throwIfNoEntry: false });
    if (!st) return false;
    text = fs.readFileSync(lock, 'utf8');
  } catch {
    return false;
  }
  const m = /^(\d+) (\S+)\n?$/.exec(text);
  if (m && m[2] === HOST) return !alive(Number(m[1]));
  return Date.now() - st.mtimeMs > staleMs;
}

/** True when it removed the lock (or found it gone). */
function breakIfStale(lock: string, staleMs: number): boolean {
  const guard = `${lock}.break`;
  let g: number;
  try {
    g = fs.openSync(guard, 'wx', 0o600);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    // Another process is breaking it (it takes microseconds); one that died doing so is cleared.
    const st = fs.lstatSync(guard, { throwIfNoEntry: false });
    if (st && Date.now() - st.mtimeMs > 10_000) fs.rmSync(guard, { force: true });
    return false;
  }
  try {
    // Under the guard no other breaker runs, and a stale lock's holder is gone: nobody else can
    // replace the file between this check and the unlink.
    if (isStale(lock, staleMs)) fs.rmSync(lock, { force: true });
    return true;
  } finally {
    fs.closeSync(g);
    fs.rmSync(guard, { force: true });
  }
}

export interface LockOptions {
  /** How long to wait for a live holder; 0: fail at once. */
  waitMs?: number;
  /** Age after which a lock whose holder cannot be checked is stale. */
  staleMs?: number;
}

/** Takes the lock, or returns undefined when a live holder keeps it past waitMs. The result releases it. */
export function acquireLock(lock: string, o: LockOptions = {}): (() => void) | undefined {
  const staleMs = o.staleMs ?? 10_000;
  const deadline = Date.now() + (o.waitMs ?? 0);
  const mine = `${process.pid} ${HOST}\n`;
  for (;;) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(lock, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    if (fd !== undefined) {
      try {
        fs.writeSync(fd, mine);
      } finally {
        fs.closeSync(fd);
      }
      return () => {
        // Only our own lock: never one a breaker handed to someone else.
        try {
          if (fs.readFileSync(lock, 'utf8') === mine) fs.rmSync(lock, { force: true });
        } catch {
          // already gone
        }
      };
    }
    if (isStale(lock, staleMs) && breakIfStale(lock, staleMs)) continue;
    if (Date.now() >= deadline) return undefined;
    sleepMs(10);
  }
}
