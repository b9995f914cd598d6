import fs from 'node:fs';
import { spawn } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { needs } from '../helpers/needs.js';
import { tempDir } from '../helpers/io.js';

// Review: with stderr on a full disk (or a closed pipe), a usage error's write failed and the
// unhandled 'error' event ended the process with exit 1 (and a stack trace) instead of exit 2.

const HAS_DEV_FULL = fs.existsSync('/dev/full');

function runWithStderr(args: string[], fd: number): Promise<number | null> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { PATH: process.env.PATH, GURUSUP_CONFIG_DIR: tempDir() },
    stdio: ['ignore', 'ignore', fd],
  });
  return new Promise((resolve) => child.on('close', (code) => resolve(code)));
}

describe('stderr on a full disk (/dev/full)', () => {
  beforeAll(() => needs(!HAS_DEV_FULL && '/dev/full'));
  it.each([
    [['threads', 'list', '--bogus'], 2],
    [['threds'], 2],
    [['help', 'threds'], 2],
    [['threads', 'list', '--since', 'soon'], 2],
    [['threads', 'list'], 3],
  ])('gurusup %j still exits %i', async (args, code) => {
    const fd = fs.openSync('/dev/full', 'w');
    try {
      expect(await runWithStderr(args as string[], fd)).toBe(code);
    } finally {
      fs.closeSync(fd);
    }
  });
});
