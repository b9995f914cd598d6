import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandJudge } from '../../src/eval/judge.js';
import { tempDir } from '../helpers/io.js';

// Review of gurusup eval (issue 14): the judge was read on 'close', which waits for every holder
// of its stdout. A judge that leaves a background process behind (a model server it started)
// had answered, yet was "errored: did not answer within 30 s" after a 30 s wait per reply.
const input = { criteria: 'is polite', conversation: [{ role: 'user' as const, body: 'hi' }], reply: 'hello' };

describe('commandJudge', () => {
  it('a judge that answers and exits, leaving a background process, counts at once', async () => {
    const pidFile = path.join(tempDir('gurusup-review-judge-'), 'bg.pid');
    const judge = commandJudge(`sleep 60 & echo $! > '${pidFile}'; echo '{"pass": true, "reason": "polite"}'`, {
      timeoutMs: 10_000,
    });
    try {
      expect(await judge(input)).toEqual({ status: 'passed', message: 'polite' });
    } finally {
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      try {
        if (pid > 0) process.kill(pid, 'SIGKILL');
      } catch {
        // already ended
      }
    }
  }, 20_000);

  it('a judge that exits with an error still reports its stderr line', async () => {
    const judge = commandJudge(`echo 'no model key' >&2; exit 3`);
    expect(await judge(input)).toEqual({ status: 'errored', message: 'the judge exited with code 3: no model key' });
  });
});
