import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';

// Issue 24: `node bin/gurusup.js` in a fresh clone, before `npm ci`, printed a stack trace.
describe('a checkout that is not built', () => {
  it('says in one line what to run, for help, the version and commands alike; exit 1', () => {
    const root = tempDir();
    fs.mkdirSync(path.join(root, 'bin'));
    for (const f of fs.readdirSync(path.dirname(BIN)))
      fs.copyFileSync(path.join(path.dirname(BIN), f), path.join(root, 'bin', f));
    for (const args of [['--version'], ['--help'], ['threads', 'list'], []]) {
      const r = spawnSync(process.execPath, [path.join(root, 'bin', 'gurusup.js'), ...args], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, HOME: root, GURUSUP_NO_CODE_CACHE: '1' },
      });
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(
        `error: gurusup is not built yet (no dist/ in ${root})\nhint: run npm ci there (it builds dist/), or npm run build\n`,
      );
    }
  });
});
