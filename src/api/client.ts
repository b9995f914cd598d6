import { ApiError, CutOffError, InterruptedError, NetworkError, errorForStatus, networkError, statusLine } from '../errors.js';
import { proxyConfigured, send as transportSend, type TransportResponse } from './transport.js';

/** A proxy URL can carry a password: never print it. */
function redactUserinfo(url: string): string {
  return url.replace(/\/\/[^/@]*@/, '//[redacted]@');
}

export interface RetryPolicy {
  retries: number;
  baseMs: number;
  capMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 3, baseMs: 300, capMs: 30_000 };

export interface ClientOptions {
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
  userAgent: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  retry?: RetryPolicy;
  trace?: (line: string) => void;
  /** Called before each retry (export uses it to slow everyone down together). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
}

export type ApiResponse = TransportResponse;

export interface RequestOptions {
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

const RETRY_STATUS = new Set([429, 502, 503, 504]);
const RETRY_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'EAI_AGAIN']);

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

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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

class Timeout extends Error {}

/** A thin client: one method per endpoint; retries, timeouts and error mapping live in send(). */
export class GurusupClient {
  readonly opts: ClientOptions;
  readonly retry: RetryPolicy;

  constructor(opts: ClientOptions) {
    this.opts = opts;
    this.retry = opts.retry ?? DEFAULT_RETRY;
  }

  url(path: string): string {
    return `${this.opts.baseUrl.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
  }

  #trace(line: string): void {
    this.opts.trace?.(line);
  }

  async #attempt(method: string, url: string, o: RequestOptions): Promise<ApiResponse> {
    const timeoutMs = o.timeoutMs ?? this.opts.timeoutMs;
    const timer = new AbortController();
    const handle = setTimeout(() => timer.abort(new Timeout()), timeoutMs);
    const signal = this.opts.signal ? AbortSignal.any([this.opts.signal, timer.signal]) : timer.signal;
    const headers: Record<string, string> = {
      'user-agent': this.opts.userAgent,
      accept: 'application/json',
      ...o.headers,
    };
    if (this.opts.apiKey) headers['x-api-key'] = this.opts.apiKey;
    let payload: string | undefined;
    if (o.rawBody !== undefined) payload = o.rawBody;
    else if (o.body !== undefined) payload = JSON.stringify(o.body);
    if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['content-type'] = 'application/json';
    }
    this.#trace(`> ${method} ${url}`);
    for (const [k, v] of Object.entries(headers)) this.#trace(`> ${k}: ${/^(x-api-key|authorization|proxy-authorization)$/i.test(k) ? '[redacted]' : v}`);
    if (payload !== undefined) this.#trace(`> (${Buffer.byteLength(payload)} bytes body)`);
    const started = performance.now();
    let gotHeaders = false;
    try {
      const res = await transportSend({
        method,
        url,
        headers,
        body: payload,
        signal,
        env: this.opts.env ?? process.env,
        onHeaders: () => void (gotHeaders = true),
      });
      const ms = Math.round(performance.now() - started);
      this.#trace(`< ${statusLine(res.status)} (${ms} ms, ${res.length} bytes, ${String(res.headers['content-type'] ?? 'no content-type')})`);
      return res;
    } catch (err) {
      if (this.opts.signal?.aborted) throw new InterruptedError();
      const secs = `${timeoutMs / 1000}s`;
      if (timer.signal.aborted) {
        throw new NetworkError(
          gotHeaders
            ? `timed out after ${secs}: the response body from ${url} did not finish`
            : `timed out after ${secs} waiting for a response from ${url}`,
          { code: 'TIMEOUT', hint: 'raise --timeout (or GURUSUP_TIMEOUT) if the API is slow, or check the network' },
        );
      }
      this.#trace(`< ${(err as Error).message}`);
      if (err instanceof CutOffError) throw err;
      const e = networkError(err, new URL(url).host);
      const env = this.opts.env ?? process.env;
      if (!proxyConfigured(env)) throw e;
      const proxy = env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy;
      throw new NetworkError(`${e.message} (a proxy is set: ${redactUserinfo(String(proxy))})`, {
        code: e.code,
        hint: 'check HTTPS_PROXY / HTTP_PROXY, or add the host to NO_PROXY',
        cause: err,
      });
    } finally {
      clearTimeout(handle);
    }
  }

  /** The raw exchange: status and text, no status mapping. GET is retried, POST never. */
  async send(method: string, path: string, o: RequestOptions = {}): Promise<ApiResponse> {
    const url = this.url(path);
    const retryable = method === 'GET' || method === 'HEAD';
    for (let attempt = 0; ; attempt++) {
      let res: ApiResponse | undefined;
      let failure: NetworkError | CutOffError | undefined;
      try {
        res = await this.#attempt(method, url, o);
      } catch (err) {
        const transient = err instanceof CutOffError || (err instanceof NetworkError && err.code !== 'TIMEOUT' && RETRY_CODES.has(err.code ?? ''));
        if (!transient) throw err;
        failure = err;
      }
      const canRetry = retryable && attempt < this.retry.retries;
      if (res && (!RETRY_STATUS.has(res.status) || !canRetry)) return res;
      if (failure && !canRetry) throw failure;
      const delayMs = backoffMs(attempt, this.retry, res ? parseRetryAfter(res.headers['retry-after']) : undefined);
      const reason = res ? statusLine(res.status) : failure instanceof NetworkError ? (failure.code ?? 'network error') : 'response cut off';
      this.#trace(`  retrying in ${delayMs} ms (${reason}, retry ${attempt + 1} of ${this.retry.retries})`);
      this.opts.onRetry?.({ attempt, delayMs, reason });
      await sleep(delayMs, this.opts.signal);
    }
  }

  /** A JSON exchange: 2xx parsed, anything else mapped to its error class. */
  async json<T = unknown>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, o);
    if (res.status < 200 || res.status >= 300) throw errorForStatus(res.status, res.text);
    return parseJsonBody<T>(res);
  }

  listThreads(): Promise<unknown> {
    return this.json('GET', '/threads');
  }

  getThread(hash: string): Promise<unknown> {
    return this.json('GET', `/threads/${encodeURIComponent(hash)}`);
  }

  /** The reply, or undefined when the API created the message but sent no reply back. */
  async sendMessage(partial: Record<string, unknown>, timeoutMs?: number): Promise<unknown> {
    const res = await this.send('POST', '/messages', { body: partial, timeoutMs });
    if (res.status < 200 || res.status >= 300) throw errorForStatus(res.status, res.text);
    if (res.length === 0 || !res.text.trim()) return undefined;
    return parseJsonBody(res);
  }

  getMessage(id: string): Promise<unknown> {
    return this.json('GET', `/messages/${encodeURIComponent(id)}`);
  }
}

export function parseJsonBody<T>(res: ApiResponse): T {
  const text = res.text;
  try {
    return JSON.parse(text) as T;
  } catch {
    // Only now look at the text: a 20 MB body must not be scanned on the happy path.
    const head = text.slice(0, 200).trim();
    const type = String(res.headers['content-type'] ?? '');
    if (!head && !text.trim()) {
      throw new ApiError(`unexpected empty response from the API (${statusLine(res.status)}), expected JSON`, res.status);
    }
    const start = head.replace(/\s+/g, ' ').slice(0, 80);
    throw new ApiError(
      `unexpected response from the API (${statusLine(res.status)}${type ? `, ${type}` : ''}), not JSON: ${start}${text.trim().length > 80 ? '…' : ''}`,
      res.status,
      { hint: 'is --base-url pointing at the Gurusup API? A proxy or captive portal may be answering instead' },
    );
  }
}

