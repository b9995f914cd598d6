import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Tmpfs {
  dir: string;
  unmount(): void;
}

/**
 * A real small filesystem (`mount -t tmpfs -o size=64k`) to fill up, or the reason it cannot be
 * had here (not root, no mount(8), a container without CAP_SYS_ADMIN): tests skip with it.
 */
export function mountTmpfs(options = 'size=64k'): Tmpfs | string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gurusup-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    const why = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message)
      .trim()
      .split('\n')[0];
    return `cannot mount a tmpfs (${options}) here: ${why || 'mount failed'} — needs root and mount(8) from util-linux`;
  }
  return {
    dir,
    unmount() {
      try {
        execFileSync('umount', [dir], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Fills the filesystem holding `dir` until a write fails; returns the filler's path (delete it to free space). */
export function fill(dir: string, leave = 0): string {
  const filler = path.join(dir, '.filler');
  const fd = fs.openSync(filler, 'w');
  const chunk = Buffer.alloc(1024, 0x61);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch {
    // full
  } finally {
    fs.closeSync(fd);
  }
  if (leave > 0) fs.truncateSync(filler, Math.max(0, fs.statSync(filler).size - leave));
  return filler;
}
