import { ApiError, CutOffError, InterruptedError, NetworkError, networkError, statusLine } from '../errors.js';

/**
 * How bytes move over HTTP. Two implementations open a request: node:http for direct
 * connections (cheap to load) and undici behind a proxy (CONNECT done right). Both hand back
 * the status, headers and a body stream; everything after that (timeouts, cut-off bodies, size
 * limits, mapping faults to errors) is done here, once, so the same fault is the same error on
 * either path.
 */

export type Headers = Record<string, string | string[] | undefined>;

export interface OpenRequest {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Aborted on a timeout or Ctrl-C (made on first use: undici wants one, node:http need not). */
  signal: AbortSignal;
  /** The cheaper way to hear the same: `fn` is called with the reason (at once if already). */
  onCancel?(fn: (reason: unknown) => void): void;
}

/**
 * Basic credentials for a URL's user:password (both transports send them, unless an Authorization
 * header is given). Settings refuse a malformed percent escape before any request is made.
 */
export function urlCredentials(url: URL): string | undefined {
  const { username, password } = url;
  if (!username && !password) return undefined;
  return `Basic ${Buffer.from(`${decodeURIComponent(username)}:${decodeURIComponent(password)}`).toString('base64')}`;
}

/**
 * The cancellation of one attempt. An AbortController per request, tied to Ctrl-C's signal with
 * AbortSignal.any and handed to http.request, cost ~8 % of an export's CPU time in Node 20 (event
 * targets, weak references, the garbage they leave); callbacks cost nothing until used.
 */
class Cancellation {
  #ac: AbortController | undefined;
  #fns: Array<(reason: unknown) => void> = [];
  cancelled = false;
  reason: unknown;
  get signal(): AbortSignal {
    if (!this.#ac) {
      this.#ac = new AbortController();
      if (this.cancelled) this.#ac.abort(this.reason);
    }
    return this.#ac.signal;
  }
  on(fn: (reason: unknown) => void): void {
    if (this.cancelled) fn(this.reason);
    else this.#fns.push(fn);
  }
  cancel(reason: unknown): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.reason = reason;
    this.#ac?.abort(reason);
    for (const f of this.#fns.splice(0)) f(reason);
  }
}

/**
 * What a transport is handed. A class so that `signal`'s getter lives on the prototype: an object
 * literal whose getter is a new closure each time is made a dictionary-mode object, one per
 * request, and those filled old space (a full collection per export, ~8 % of it; BENCHMARKS.md §5).
 */
class Attempt implements OpenRequest {
  constructor(
    readonly method: string,
    readonly url: URL,
    readonly headers: Record<string, string>,
    readonly body: string | Buffer | undefined,
    readonly cancellation: Cancellation,
  ) {}
  get signal(): AbortSignal {
    return this.cancellation.signal;
  }
  onCancel(fn: (reason: unknown) => void): void {
    this.cancellation.on(fn);
  }
}

/** One 'abort' listener per outer signal (Ctrl-C), whatever the number of requests in flight. */
const interrupts = new WeakMap<AbortSignal, Set<Cancellation>>();
function whileRunning(signal: AbortSignal | undefined, c: Cancellation): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    c.cancel(signal.reason);
    return () => {};
  }
  let set = interrupts.get(signal);
  if (!set) {
    const all = new Set<Cancellation>();
    interrupts.set(signal, (set = all));
    signal.addEventListener(
      'abort',
      () => {
        for (const x of [...all]) x.cancel(signal.reason);
      },
      { once: true },
    );
  }
  const mine = set;
  mine.add(c);
  return () => mine.delete(c);
}

export interface OpenResponse {
  status: number;
  headers: Headers;
  body: AsyncIterable<Buffer>;
  /** False when the connection ended before the whole body arrived. */
  complete(): boolean;
}

export interface Transport {
  readonly kind: 'direct' | 'proxy';
  open(req: OpenRequest): Promise<OpenResponse>;
}

/** A whole response: the body as it arrived, joined only when asked for. */
export class HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly chunks: Buffer[];
  readonly length: number;
  /** Set when the body went to a sink instead of `chunks`. */
  readonly streamed: boolean;
  #body: Buffer | undefined;
  #text: string | undefined;
  constructor(status: number, headers: Headers, chunks: Buffer[], length?: number, streamed = false) {
    this.status = status;
    this.headers = headers;
    this.chunks = chunks;
    this.length = length ?? chunks.reduce((n, c) => n + c.length, 0);
    this.streamed = streamed;
  }
  get ok(): boolean {
    return this.status >= 200 && this.status < 300;
  }
  get body(): Buffer {
    this.#body ??= this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.length);
    return this.#body;
  }
  get text(): string {
    this.#text ??= this.body.toString('utf8');
    return this.#text;
  }
}

/** Where a body goes instead of memory (a pass-through to stdout). */
export interface BodySink {
  write(chunk: Buffer): void | Promise<void>;
}

export interface ExchangeRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** Per attempt: the longest wait for the whole answer. */
  timeoutMs: number;
  /** The user's --timeout when `timeoutMs` is what a retry has left of it (for messages). */
  totalTimeoutMs?: number;
  /** Ctrl-C. */
  signal?: AbortSignal;
  /** Largest body accepted, in bytes. */
  maxBytes: number;
  /** Given the status and headers, may return a sink that takes the body instead of memory. */
  sink?: (status: number, headers: Headers) => BodySink | undefined;
  /** Added to network errors: what the user can check (a flag, a variable). */
  hint?: string;
}

class TimeoutSignal extends Error {}

/** A failure of the sink (stdout), not of the network: passed on as it is. */
class SinkFailure extends Error {
  constructor(readonly original: unknown) {
    super('sink failed');
  }
}

function mb(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round(n / 1024 / 1024)} MiB` : `${n} bytes`;
}

type Stream = AsyncIterable<Buffer> & {
  on(ev: string, f: (...a: never[]) => void): unknown;
  off(ev: string, f: (...a: never[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  destroy(err?: Error): unknown;
  readableEnded?: boolean;
};

/**
 * Hands each chunk of a body to `take`, in order, waiting while a returned promise is pending
 * (back-pressure); rejects with the first error (of the stream or of `take`). Resolves at the
 * end of the stream, or when it closes early (complete() then says so). A Node stream is read
 * with its events: an async iterator per response cost ~2 % of an export.
 */
function eachChunk(body: AsyncIterable<Buffer>, take: (chunk: Buffer) => void | Promise<void>): Promise<void> {
  const s = body as Stream;
  if (typeof (s as Partial<Stream>).on !== 'function' || typeof (s as Partial<Stream>).pause !== 'function') {
    return (async () => {
      for await (const chunk of body) await take(chunk);
    })();
  }
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let pending: Promise<void> | undefined;
    const cleanup = () => {
      s.off('data', onData);
      s.off('end', onEnd);
      s.off('error', onError);
      s.off('close', onClose);
    };
    const fail = (err: unknown) => {
      if (settled) return;
      settled = true;
      cleanup();
      // undici's body emits an 'error' when destroyed before its end: nobody else listens now.
      s.on('error', () => {});
      s.destroy();
      reject(err);
    };
    const done = () => {
      if (settled) return;
      settled = true;
      cleanup();
      resolve();
    };
    const onData = (chunk: Buffer) => {
      if (settled) return;
      let p: void | Promise<void>;
      try {
        p = take(chunk);
      } catch (err) {
        return fail(err);
      }
      if (p) {
        s.pause();
        const mine = p.then(() => {
          if (pending === mine) pending = undefined;
          if (!settled) s.resume();
        }, fail);
        pending = mine;
      }
    };
    // The last chunk's write may still be pending when the stream ends or closes.
    const onEnd = () => (pending ? pending.then(done, fail) : done());
    const onError = (err: Error) => fail(err);
    const onClose = () => {
      if (s.readableEnded) return onEnd();
      fail(
        Object.assign(new Error('the connection closed before the end of the body'), {
          code: 'ERR_STREAM_PREMATURE_CLOSE',
        }),
      );
    };
    s.on('data', onData);
    s.on('end', onEnd);
    s.on('error', onError);
    s.on('close', onClose);
  });
}

/** One attempt over `transport`: the only place transport faults become errors. */
export async function exchange(transport: Transport, r: ExchangeRequest, url = new URL(r.url)): Promise<HttpResponse> {
  const cancellation = new Cancellation();
  let timedOut = false;
  const handle = setTimeout(() => {
    timedOut = true;
    cancellation.cancel(new TimeoutSignal());
  }, r.timeoutMs);
  const forget = whileRunning(r.signal, cancellation);
  const secs = () => `${(r.totalTimeoutMs ?? r.timeoutMs) / 1000}s`;
  const where = () => `${url.protocol}//${url.host}${url.pathname}`;
  let res: OpenResponse;
  try {
    res = await transport.open(new Attempt(r.method, url, r.headers, r.body, cancellation));
  } catch (err) {
    clearTimeout(handle);
    forget();
    if (r.signal?.aborted) throw new InterruptedError();
    if (timedOut) {
      throw new NetworkError(`timed out after ${secs()} waiting for a response from ${where()}`, {
        code: 'TIMEOUT',
        hint: 'raise --timeout (or GURUSUP_TIMEOUT) if the server is slow, or check the network',
      });
    }
    throw networkError(err, url.host, r.hint);
  }
  const chunks: Buffer[] = [];
  let received = 0;
  let sink: BodySink | undefined;
  const head = () => Buffer.concat(chunks).subarray(0, 80).toString('utf8').replace(/\s+/g, ' ').trim();
  try {
    sink = r.sink?.(res.status, res.headers);
    const s = sink;
    await eachChunk(res.body, (chunk) => {
      received += chunk.length;
      if (received > r.maxBytes) {
        throw new ApiError(`the response from ${url.host} is larger than the ${mb(r.maxBytes)} limit`, res.status, {
          hint: 'set GURUSUP_MAX_RESPONSE (in bytes) to allow more',
        });
      }
      if (!s) return void chunks.push(chunk);
      let wrote: void | Promise<void>;
      try {
        wrote = s.write(chunk);
      } catch (err) {
        throw new SinkFailure(err);
      }
      if (wrote) {
        return wrote.catch((err: unknown) => {
          throw new SinkFailure(err);
        });
      }
    });
    if (!res.complete()) throw new CutOffError(res.status, received, head(), url.host);
  } catch (err) {
    if (err instanceof SinkFailure) throw err.original;
    if (r.signal?.aborted) throw new InterruptedError();
    if (timedOut) {
      throw new NetworkError(`timed out after ${secs()}: the response body from ${where()} did not finish`, {
        code: 'TIMEOUT',
        hint: 'raise --timeout (or GURUSUP_TIMEOUT) if the server is slow, or check the network',
      });
    }
    if (err instanceof ApiError) throw err;
    throw new CutOffError(res.status, received, head(), url.host, err);
  } finally {
    clearTimeout(handle);
    forget();
  }
  return new HttpResponse(res.status, res.headers, chunks, received, sink !== undefined);
}

export { statusLine };
