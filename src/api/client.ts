import { ApiError, NetworkError, errorForStatus, statusLine, withContext } from '../errors.js';
import { anyProxy, proxyFor, readProxyEnv } from './proxy-env.js';
import { redactUserinfo } from '../output/redact.js';
import { exchange, type BodySink, type Headers, type HttpResponse, type Transport } from './transport.js';
import { nodeTransport } from './node-transport.js';
import { DEFAULT_RETRY, withRetries, type RetryPolicy, type Send } from './retry.js';
import { now, type Clock } from '../runtime/clock.js';

export { DEFAULT_RETRY, backoffMs, parseRetryAfter, type RetryPolicy } from './retry.js';
export type { HttpResponse } from './transport.js';

/** 256 MiB: past this a body is refused rather than risking an out-of-memory crash. */
export const DEFAULT_MAX_RESPONSE = 256 * 1024 * 1024;

export interface ClientOptions {
  baseUrl: string;
  apiKey?: string;
  timeoutMs: number;
  userAgent: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  retry?: RetryPolicy;
  /** Back-off sleeps and the retry budget's time (default: real timers). */
  clock?: Clock;
  trace?: (line: string) => void;
  /** Called before each retry (export uses it to slow everyone down together). */
  onRetry?: (info: { attempt: number; delayMs: number; reason: string }) => void;
  maxResponseBytes?: number;
  /** Tests: a transport instead of the real ones. */
  transport?: Transport;
}

export interface RequestOptions {
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** The key for this request instead of the client's; null sends none (webhook verify). */
  apiKey?: string | null;
  /** What a network error tells the user to check (default: --base-url). */
  hint?: string;
  sink?: (status: number, headers: Headers) => BodySink | undefined;
}

const SECRET_HEADER = /^(x-api-key|authorization|proxy-authorization|cookie)$/i;

/**
 * A thin client: one method per endpoint. Below it, retries wrap one attempt, and one attempt
 * goes over the transport chosen once per origin (direct, or undici when a proxy applies).
 */
export class GurusupClient {
  readonly opts: ClientOptions;
  readonly retry: RetryPolicy;
  readonly #send: Send;
  readonly #transports = new Map<string, Promise<Transport>>();
  /** The same, once known: no await per request. */
  readonly #ready = new Map<string, Transport>();
  readonly #proxyEnv;

  constructor(opts: ClientOptions) {
    this.opts = opts;
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.#proxyEnv = readProxyEnv(opts.env ?? process.env);
    this.#send = withRetries((req) => this.#attempt(req), this.retry, {
      signal: opts.signal,
      trace: opts.trace,
      onRetry: opts.onRetry,
      ...(opts.clock && { sleep: (ms, s) => opts.clock!.sleep(ms, s), now: () => opts.clock!.now() }),
    });
  }

  url(path: string): string {
    return `${this.opts.baseUrl.replace(/\/+$/, '')}${path.startsWith('/') ? path : `/${path}`}`;
  }

  /** The transport for a URL's origin: decided once, honouring NO_PROXY. */
  transportFor(url: URL): Promise<Transport> {
    if (this.opts.transport) return Promise.resolve(this.opts.transport);
    let t = this.#transports.get(url.origin);
    if (!t) {
      const proxy = proxyFor(url, this.#proxyEnv);
      const origin = url.origin;
      t = (
        proxy ? import('./proxy-transport.js').then((m) => m.proxyTransport(proxy)) : Promise.resolve(nodeTransport)
      ).then((x) => {
        this.#ready.set(origin, x);
        return x;
      });
      this.#transports.set(origin, t);
    }
    return t;
  }

  async #attempt(req: Parameters<Send>[0]): Promise<HttpResponse> {
    const trace = this.opts.trace;
    const url = new URL(req.url);
    const transport = this.#ready.get(url.origin) ?? (await this.transportFor(url));
    if (trace) {
      trace(`> ${req.method} ${redactUserinfo(req.url)}${transport.kind === 'proxy' ? ' (via proxy)' : ''}`);
      for (const [k, v] of Object.entries(req.headers)) trace(`> ${k}: ${SECRET_HEADER.test(k) ? '[redacted]' : v}`);
      if (req.body !== undefined) trace(`> (${Buffer.byteLength(req.body)} bytes body)`);
    }
    const started = now();
    try {
      const res = await exchange(transport, req, url);
      trace?.(
        `< ${statusLine(res.status)} (${Math.round(now() - started)} ms, ${res.length} bytes, ${String(res.headers['content-type'] ?? 'no content-type')})`,
      );
      return res;
    } catch (err) {
      trace?.(`< ${(err as Error).message}`);
      if (err instanceof NetworkError && transport.kind === 'proxy' && err.code !== 'TIMEOUT') {
        throw withContext(err, {
          message: `${err.message} (a proxy is set: ${redactUserinfo(anyProxy(this.#proxyEnv) ?? '')})`,
          hint: 'check HTTPS_PROXY / HTTP_PROXY, or add the host to NO_PROXY',
        });
      }
      throw err;
    }
  }

  /** Any URL, the raw exchange: no status mapping. GET is retried, POST never. */
  request(method: string, url: string, o: RequestOptions = {}): Promise<HttpResponse> {
    const headers: Record<string, string> = { 'user-agent': this.opts.userAgent, accept: 'application/json' };
    // A header given (gurusup api -H) replaces ours and any earlier one of its name, whatever the case.
    for (const [name, value] of Object.entries(o.headers ?? {})) {
      const lower = name.toLowerCase();
      for (const h of Object.keys(headers)) if (h.toLowerCase() === lower) delete headers[h];
      headers[name] = value;
    }
    const key = o.apiKey === undefined ? this.opts.apiKey : o.apiKey;
    if (key) headers['x-api-key'] = key;
    let payload: string | undefined;
    if (o.rawBody !== undefined) payload = o.rawBody;
    else if (o.body !== undefined) payload = JSON.stringify(o.body);
    if (payload !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type'))
      headers['content-type'] = 'application/json';
    return this.#send({
      method,
      url,
      headers,
      body: payload,
      timeoutMs: o.timeoutMs ?? this.opts.timeoutMs,
      signal: this.opts.signal,
      maxBytes: this.opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE,
      sink: o.sink,
      hint: o.hint,
    });
  }

  /** A path of the API, the raw exchange. */
  send(method: string, path: string, o: RequestOptions = {}): Promise<HttpResponse> {
    return this.request(method, this.url(path), o);
  }

  /** The one place an API status becomes an error: anything but 2xx throws its class. */
  expectOk(res: HttpResponse): HttpResponse {
    if (!res.ok) throw errorForStatus(res.status, res.text);
    return res;
  }

  /** A JSON exchange: 2xx parsed, anything else mapped to its error class. */
  async json<T = unknown>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    return parseJsonBody<T>(this.expectOk(await this.send(method, path, o)));
  }

  listThreads(): Promise<unknown> {
    return this.json('GET', '/threads');
  }

  /** GET /threads unparsed (a 2xx), for the byte pass-through; `sink` may take the body as it arrives. */
  async listThreadsRaw(sink?: RequestOptions['sink']): Promise<HttpResponse> {
    return this.expectOk(await this.send('GET', '/threads', { sink }));
  }

  getThread(hash: string): Promise<unknown> {
    return this.json('GET', `/threads/${encodeURIComponent(hash)}`);
  }

  /** The reply, or undefined when the API created the message but sent no reply back. */
  async sendMessage(partial: Record<string, unknown>, timeoutMs?: number): Promise<unknown> {
    const res = this.expectOk(await this.send('POST', '/messages', { body: partial, timeoutMs }));
    if (res.length === 0 || !res.text.trim()) return undefined;
    return parseJsonBody(res);
  }

  getMessage(id: string): Promise<unknown> {
    return this.json('GET', `/messages/${encodeURIComponent(id)}`);
  }
}

export function parseJsonBody<T>(res: HttpResponse): T {
  let text = res.text;
  // A byte-order mark is not JSON, but some servers send one: accept it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text) as T;
  } catch {
    // Only now look at the text: a 20 MB body must not be scanned on the happy path.
    const head = text.slice(0, 200).trim();
    const type = String(res.headers['content-type'] ?? '');
    if (!head && !text.trim()) {
      throw new ApiError(
        `unexpected empty response from the API (${statusLine(res.status)}), expected JSON`,
        res.status,
      );
    }
    const start = head.replace(/\s+/g, ' ').slice(0, 80);
    throw new ApiError(
      `unexpected response from the API (${statusLine(res.status)}${type ? `, ${type}` : ''}), not JSON: ${start}${text.trim().length > 80 ? '…' : ''}`,
      res.status,
      { hint: 'is --base-url pointing at the Gurusup API? A proxy or captive portal may be answering instead' },
    );
  }
}
