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
  signal: AbortSignal;
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

/** One attempt over `transport`: the only place transport faults become errors. */
export async function exchange(transport: Transport, r: ExchangeRequest): Promise<HttpResponse> {
  const url = new URL(r.url);
  const timer = new AbortController();
  const handle = setTimeout(() => timer.abort(new TimeoutSignal()), r.timeoutMs);
  const signal = r.signal ? AbortSignal.any([r.signal, timer.signal]) : timer.signal;
  const secs = `${r.timeoutMs / 1000}s`;
  const where = `${url.protocol}//${url.host}${url.pathname}`;
  let res: OpenResponse;
  try {
    res = await transport.open({ method: r.method, url, headers: r.headers, body: r.body, signal });
  } catch (err) {
    clearTimeout(handle);
    if (r.signal?.aborted) throw new InterruptedError();
    if (timer.signal.aborted) {
      throw new NetworkError(`timed out after ${secs} waiting for a response from ${where}`, {
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
    for await (const chunk of res.body) {
      received += chunk.length;
      if (received > r.maxBytes) {
        throw new ApiError(`the response from ${url.host} is larger than the ${mb(r.maxBytes)} limit`, res.status, {
          hint: 'set GURUSUP_MAX_RESPONSE (in bytes) to allow more',
        });
      }
      if (!sink) chunks.push(chunk);
      else {
        try {
          await sink.write(chunk);
        } catch (err) {
          throw new SinkFailure(err);
        }
      }
    }
    if (!res.complete()) throw new CutOffError(res.status, received, head(), url.host);
  } catch (err) {
    if (err instanceof SinkFailure) throw err.original;
    if (r.signal?.aborted) throw new InterruptedError();
    if (timer.signal.aborted) {
      throw new NetworkError(`timed out after ${secs}: the response body from ${where} did not finish`, {
        code: 'TIMEOUT',
        hint: 'raise --timeout (or GURUSUP_TIMEOUT) if the server is slow, or check the network',
      });
    }
    if (err instanceof ApiError) throw err;
    throw new CutOffError(res.status, received, head(), url.host, err);
  } finally {
    clearTimeout(handle);
  }
  return new HttpResponse(res.status, res.headers, chunks, received, sink !== undefined);
}

export { statusLine };
