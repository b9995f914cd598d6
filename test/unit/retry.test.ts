import { describe, expect, it } from 'vitest';
import { withRetries, type Send } from '../../src/api/retry.js';
import { HttpResponse, type ExchangeRequest } from '../../src/api/transport.js';
import { CutOffError, InterruptedError, NetworkError } from '../../src/errors.js';

// The retry wrapper against a fake sender: no sockets, no waiting.
const req = (method = 'GET', extra: Partial<ExchangeRequest> = {}): ExchangeRequest => ({
  method,
  url: 'http://api.test/threads',
  headers: {},
  timeoutMs: 60_000,
  maxBytes: 1 << 20,
  ...extra,
});
const ok = (status = 200, headers = {}) => new HttpResponse(status, headers, [Buffer.from('[]')]);
const refused = () => new NetworkError('refused', { code: 'ECONNREFUSED' });

function scripted(steps: Array<HttpResponse | Error>) {
  const calls: ExchangeRequest[] = [];
  const send: Send = async (r) => {
    calls.push(r);
    const step = steps[Math.min(calls.length - 1, steps.length - 1)]!;
    if (step instanceof Error) throw step;
    return step;
  };
  return { send, calls };
}

function harness(steps: Array<HttpResponse | Error>) {
  const s = scripted(steps);
  const delays: number[] = [];
  const retries: string[] = [];
  const wrapped = withRetries(
    s.send,
    { retries: 3, baseMs: 100, capMs: 30_000 },
    {
      sleep: async (ms) => void delays.push(ms),
      random: () => 0.5,
      onRetry: (i) => void retries.push(i.reason),
    },
  );
  return { wrapped, calls: s.calls, delays, retries };
}

describe('withRetries', () => {
  it('retries GET on 503 and 429 with growing back-off, then returns the success', async () => {
    const h = harness([ok(503), ok(429), ok(200)]);
    const res = await h.wrapped(req());
    expect(res.status).toBe(200);
    expect(h.calls).toHaveLength(3);
    expect(h.delays).toEqual([75, 150]);
    expect(h.retries).toEqual(['503 Service Unavailable', '429 Too Many Requests']);
  });

  it('honours Retry-After, capped', async () => {
    const h = harness([ok(429, { 'retry-after': '2' }), ok(503, { 'retry-after': '999' }), ok(200)]);
    await h.wrapped(req());
    expect(h.delays).toEqual([2000, 30_000]);
  });

  it('gives up after 3 retries and returns the last answer', async () => {
    const h = harness([ok(502)]);
    const res = await h.wrapped(req());
    expect(res.status).toBe(502);
    expect(h.calls).toHaveLength(4);
  });

  it('retries connection errors and cut-off bodies, then throws the last one', async () => {
    const cut = new CutOffError(200, 10, '[{', 'api.test');
    const h = harness([refused(), cut, refused(), cut]);
    await expect(h.wrapped(req())).rejects.toBe(cut);
    expect(h.calls).toHaveLength(4);
    expect(h.retries).toEqual(['ECONNREFUSED', 'response cut off', 'ECONNREFUSED']);
  });

  it('never waits past the timeout: a Retry-After longer than what is left ends the retries', async () => {
    const h = harness([ok(429, { 'retry-after': '20' }), ok(200)]);
    const res = await h.wrapped(req('GET', { timeoutMs: 5000 }));
    expect(res.status).toBe(429);
    expect(h.calls).toHaveLength(1);
    expect(h.delays).toEqual([]);
  });

  it('never retries POST, nor a timeout, nor a 500', async () => {
    const post = harness([ok(503)]);
    expect((await post.wrapped(req('POST'))).status).toBe(503);
    expect(post.calls).toHaveLength(1);
    const timeout = new NetworkError('timed out', { code: 'TIMEOUT' });
    const t = harness([timeout]);
    await expect(t.wrapped(req())).rejects.toBe(timeout);
    expect(t.calls).toHaveLength(1);
    const e500 = harness([ok(500)]);
    expect((await e500.wrapped(req())).status).toBe(500);
    expect(e500.calls).toHaveLength(1);
  });

  it('does not retry once the body went to a sink (it is already printed)', async () => {
    const cut = new CutOffError(200, 10, '[{', 'api.test');
    const calls: number[] = [];
    const send: Send = async (r) => {
      calls.push(1);
      r.sink?.(200, {});
      throw cut;
    };
    const wrapped = withRetries(send, { retries: 3, baseMs: 1, capMs: 1 }, { sleep: async () => {} });
    await expect(wrapped(req('GET', { sink: () => ({ write() {} }) }))).rejects.toBe(cut);
    expect(calls).toHaveLength(1);
  });

  it('stops waiting at once on Ctrl-C', async () => {
    const ac = new AbortController();
    const s = scripted([ok(503)]);
    const wrapped = withRetries(s.send, { retries: 3, baseMs: 60_000, capMs: 60_000 }, { signal: ac.signal });
    const p = wrapped(req());
    setTimeout(() => ac.abort(), 10);
    await expect(p).rejects.toBeInstanceOf(InterruptedError);
    expect(s.calls).toHaveLength(1);
  });
});
