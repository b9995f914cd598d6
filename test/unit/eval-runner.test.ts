import { describe, expect, it } from 'vitest';
import { AuthError, InterruptedError } from '../../src/errors.js';
import { parseExpectation } from '../../src/eval/expectations.js';
import { runEval, threadFid } from '../../src/eval/runner.js';
import type { Suite } from '../../src/eval/suite.js';

function suite(names: string[], turns = 1): Suite {
  return {
    name: 's',
    file: 's.yaml',
    cases: names.map((name) => ({
      name,
      slug: name,
      turns: Array.from({ length: turns }, (_, i) => ({
        index: i + 1,
        send: `${name} ${i + 1}`,
        agent: false,
        user: 'u',
        expect: [parseExpectation('contains', 'ok')],
      })),
    })),
  };
}

const never = () => new Promise<never>(() => {});

describe('runEval', () => {
  it('a 401 ends the run at once, without waiting for requests still in flight', async () => {
    const sent: string[] = [];
    const r = await runEval([suite(['slow', 'denied', 'later'])], {
      concurrency: 2,
      repeat: 1,
      runId: 'r',
      send: (p) => {
        sent.push(String(p.body));
        return String(p.body).startsWith('denied') ? Promise.reject(new AuthError('rejected')) : never();
      },
    });
    expect(r.fatal).toBeInstanceOf(AuthError);
    expect(sent).toEqual(['slow 1', 'denied 1']);
    expect(r.cases).toEqual([]);
  });

  it('Ctrl-C: the abort ends the run at once; finished cases are kept', async () => {
    const ac = new AbortController();
    const finished: string[] = [];
    const r = await runEval([suite(['quick', 'stuck'])], {
      concurrency: 2,
      repeat: 1,
      signal: ac.signal,
      onCase: (c) => {
        finished.push(c.case.name);
        ac.abort();
      },
      send: (p) => (String(p.body).startsWith('quick') ? Promise.resolve({ body: 'ok' }) : never()),
    });
    expect(r.interrupted).toBe(true);
    expect(finished).toEqual(['quick']);
    expect(r.cases.map((c) => c.case.name)).toEqual(['quick']);
    expect(r.selected).toBe(2);
  });

  it('an InterruptedError from the client is not an errored case', async () => {
    const ac = new AbortController();
    const r = await runEval([suite(['a'])], {
      concurrency: 1,
      repeat: 1,
      signal: ac.signal,
      send: () => {
        ac.abort();
        return Promise.reject(new InterruptedError());
      },
    });
    expect(r.interrupted).toBe(true);
    expect(r.cases).toEqual([]);
  });

  it('turns of a case go one after another on one thread; repeats get their own threads', async () => {
    const log: Array<[string, string]> = [];
    let inFlight = 0;
    const r = await runEval([suite(['a', 'b'], 3)], {
      concurrency: 4,
      repeat: 2,
      runId: 'xyz',
      send: async (p) => {
        inFlight++;
        expect(inFlight).toBeLessThanOrEqual(4);
        log.push([String(p.thread_fid), String(p.body)]);
        await new Promise((res) => setImmediate(res));
        inFlight--;
        return { body: 'ok' };
      },
    });
    expect(r.cases.every((c) => c.status === 'passed')).toBe(true);
    const byThread = new Map<string, string[]>();
    for (const [t, b] of log) byThread.set(t, [...(byThread.get(t) ?? []), b]);
    expect([...byThread.keys()].sort()).toEqual(['eval-a-xyz-1', 'eval-a-xyz-2', 'eval-b-xyz-1', 'eval-b-xyz-2']);
    expect(byThread.get('eval-a-xyz-2')).toEqual(['a 1', 'a 2', 'a 3']);
    expect(threadFid({ name: 'x', slug: 'x', turns: [] }, 'id', 1, 1)).toBe('eval-x-id');
  });
});
