import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandJudge, parseVerdict } from '../../src/eval/judge.js';
import { tempDir } from '../helpers/io.js';

const input = {
  criteria: 'says how long a refund takes',
  conversation: [{ role: 'user' as const, body: '¿Reembolso?' }],
  reply: 'Tarda 5–7 días.',
};

function script(body: string): string {
  const file = path.join(tempDir('gurusup-judge-'), 'judge.cjs');
  fs.writeFileSync(file, body);
  return `"${process.execPath}" "${file}"`;
}

describe('parseVerdict', () => {
  it('pass and fail, with the reason', () => {
    expect(parseVerdict('{"pass": true, "reason": "gives 5–7 days"}', '')).toEqual({
      status: 'passed',
      message: 'gives 5–7 days',
    });
    expect(parseVerdict('\n{"pass": false, "reason": "no time given"}\n', '')).toEqual({
      status: 'failed',
      message: 'the judge said no: no time given',
    });
  });
  it("anything else is errored, never passed, with stderr's first line", () => {
    expect(parseVerdict('yes', 'model overloaded')).toEqual({
      status: 'errored',
      message: 'the judge did not print JSON: yes (stderr: model overloaded)',
    });
    expect(parseVerdict('', '')).toEqual({
      status: 'errored',
      message: 'the judge did not print JSON (its output was empty)',
    });
    expect(parseVerdict('{"pass": "true"}', '').status).toBe('errored');
    expect(parseVerdict('[true]', '').status).toBe('errored');
    expect(parseVerdict('\u001b[2J', '').message).not.toContain('\u001b');
  });
});

describe('commandJudge', () => {
  it('gets {criteria, conversation, reply} as JSON on stdin and its verdict counts', async () => {
    const judge = commandJudge(
      script(`let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{const i=JSON.parse(s);
      console.log(JSON.stringify({pass: i.reply.includes('días') && i.criteria.startsWith('says'), reason: i.conversation.length + ' messages seen'}));});`),
    );
    expect(await judge(input)).toEqual({ status: 'passed', message: '1 messages seen' });
    expect(await judge({ ...input, reply: 'No sé' })).toEqual({
      status: 'failed',
      message: 'the judge said no: 1 messages seen',
    });
  });
  it('a crash is errored with the first line of its stderr', async () => {
    const judge = commandJudge(
      script(`process.stderr.write('\\nAPI key missing for the judge model\\nmore detail\\n'); process.exit(3);`),
    );
    expect(await judge(input)).toEqual({
      status: 'errored',
      message: 'the judge exited with code 3: API key missing for the judge model',
    });
  });
  it('garbage on stdout is errored', async () => {
    const judge = commandJudge(script(`console.log('looks fine to me')`));
    expect(await judge(input)).toEqual({
      status: 'errored',
      message: 'the judge did not print JSON: looks fine to me',
    });
  });
  it('a judge that hangs is ended after the timeout and is errored', async () => {
    // A shell judge: it has written its line long before the timeout, however loaded the machine.
    const judge = commandJudge(`echo thinking >&2; exec sleep 60`, { timeoutMs: 300 });
    expect(await judge(input)).toEqual({
      status: 'errored',
      message: 'the judge did not answer within 0.3 s (stderr: thinking)',
    });
  });
  it('a command that does not exist is errored, not a crash', async () => {
    const judge = commandJudge('definitely-not-a-judge-command-xyz');
    const o = await judge(input);
    expect(o.status).toBe('errored');
    expect(o.message).toMatch(/^the judge exited with code 127/);
  });
  it('a judge that never reads stdin still gives a verdict', async () => {
    const judge = commandJudge(script(`console.log('{"pass":true}')`));
    expect(await judge({ ...input, reply: 'x'.repeat(1_000_000) })).toEqual({ status: 'passed', message: '' });
  });
});

describe('commandJudge', () => {
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
});
