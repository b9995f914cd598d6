import { ApiError, CutOffError, InterruptedError, NetworkError, statusLine } from '../errors.js';
import type { ExchangeRequest, HttpResponse } from './transport.js';

/** One attempt: a request in, a whole response or a CliError out. */
export type Send = (req: ExchangeRequest) => Promise<HttpResponse>;

export interface RetryPolicy {
  retries: number;
  baseMs: number;
  capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseMs: 300, capMs: 30_000 };

export interface RetryHooks {
  signal?: AbortSignal;
  trace?: (line: string) => void;
  /** Called before each retry (export uses it to slow everyone down together). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  now?: () => number;
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);
const RETRY_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'UND_ERR_SOCKET',
  'EAI_AGAIN',
  'PROXY_CONNECT',
  'PROXY_CLOSED',
]);

/** Seconds or an HTTP date, as RFC 9110 allows. */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (!v) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(v)) return Math.round(Number(v) * 1000);
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

export function backoffMs(attempt: number, policy: RetryPolicy, retryAfterMs?: number, rand = Math.random): number {
  if (retryAfterMs !== undefined) return Math.min(retryAfterMs, policy.capMs);
  const exp = policy.baseMs * 2 ** attempt;
  return Math.min(policy.capMs, Math.round(exp / 2 + (exp / 2) * rand()));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new InterruptedError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(new InterruptedError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Whether a failure is transient: the one rule, for two scopes the contract words differently.
 * - `request` (another try of one GET): connection refused/reset, or a body cut off; a timeout
 *   is not (--timeout is the longest the user waits); statuses are decided by RETRY_STATUS.
 * - `poll` (--follow's next poll, however long it takes): any network fault, timeouts included,
 *   429 and every 5xx; 401/403/404 are not.
 */
export function isTransient(err: unknown, scope: 'request' | 'poll' = 'request'): boolean {
  if (err instanceof CutOffError) return true;
  if (scope === 'poll') {
    if (err instanceof NetworkError) return true;
    return (
      err instanceof ApiError &&
      (err.status === undefined || err.status === 0 || err.status === 429 || err.status >= 500)
    );
  }
  return err instanceof NetworkError && err.code !== 'TIMEOUT' && RETRY_CODES.has(err.code ?? '');
}

/**
 * Retries around a sender: GET and HEAD only (POST never: it may have been created), on
 * connection errors, cut-off bodies and 429/502/503/504, with exponential back-off and jitter,
 * honouring Retry-After. Nothing is retried once a body has gone to a sink (it is printed).
 */
export function withRetries(send: Send, policy: RetryPolicy = DEFAULT_RETRY, hooks: RetryHooks = {}): Send {
  const pause = hooks.sleep ?? sleep;
  const now = hooks.now ?? Date.now;
  return async (req) => {
    const started = now();
    const retryable = req.method === 'GET' || req.method === 'HEAD';
    let streamed = false;
    const sink = req.sink;
    const attemptReq: ExchangeRequest = sink
      ? {
          ...req,
          sink: (status, headers) => {
            const s = sink(status, headers);
            if (s) streamed = true;
            return s;
          },
        }
      : req;
    for (let attempt = 0; ; attempt++) {
      let res: HttpResponse | undefined;
      let failure: unknown;
      try {
        // A retry gets what is left of --timeout, not a whole new one.
        res = await send(
          attempt === 0
            ? attemptReq
            : {
                ...attemptReq,
                timeoutMs: Math.max(1, req.timeoutMs - (now() - started)),
                totalTimeoutMs: req.timeoutMs,
              },
        );
      } catch (err) {
        if (!isTransient(err)) throw err;
        failure = err;
      }
      const canRetry = retryable && !streamed && attempt < policy.retries;
      if (res && (!RETRY_STATUS.has(res.status) || !canRetry)) return res;
      if (!res && !canRetry) throw failure;
      const delayMs = backoffMs(
        attempt,
        policy,
        res ? parseRetryAfter(res.headers['retry-after']) : undefined,
        hooks.random,
      );
      // --timeout is the longest the user waits for an answer: no retry that would wait past it.
      if (now() - started + delayMs > req.timeoutMs) {
        hooks.trace?.(`  not retrying: waiting ${delayMs} ms more would pass the ${req.timeoutMs / 1000}s timeout`);
        if (res) return res;
        throw failure;
      }
      const reason = res
        ? statusLine(res.status)
        : failure instanceof NetworkError
          ? (failure.code ?? 'network error')
          : 'response cut off';
      hooks.trace?.(`  retrying in ${delayMs} ms (${reason}, retry ${attempt + 1} of ${policy.retries})`);
      hooks.onRetry?.({ attempt, delayMs, reason });
      await pause(delayMs, hooks.signal);
    }
  };
}
