import http from 'node:http';
import { closeGracefully, keyDigest, keyMatches, listen, readBodyLimited } from '../server/http-server.js';
import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import { RecordError, type LineAppender } from './record.js';
import { compactJson } from './json-text.js';
import { plural } from '../output/plural.js';
import { secretForms } from '../output/redact.js';

export interface ListenerOptions {
  host: string;
  port: number;
  path: string;
  /** When set, requests must carry it in x-api-key. */
  apiKey?: string;
  maxBody: number;
  record?: LineAppender;
  /** Accept exactly this many events; later ones get 503. */
  count?: number;
  /** Bytes of bodies held at once (being read, or waiting for stdout); later requests wait unread. */
  maxBuffered?: number;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export interface AcceptedEvent {
  /** The body as sent, with only insignificant whitespace removed: one NDJSON line. */
  line: string;
  body: unknown;
  /** The body exactly as received. */
  raw: string;
  headers: http.IncomingHttpHeaders;
  /** The headers as they came (names in their case, repeats kept): what --inspect keeps. */
  rawHeaders: string[];
  receivedAt: Date;
  rawKey?: string;
}

/**
 * An accepted event. A class: its `headers` getter lives on the prototype (an object literal with a
 * getter is a dictionary-mode object of its own per request, which measured 59 % of bare instead
 * of 74 %), and builds req.headers only when asked.
 */
class Accepted implements AcceptedEvent {
  constructor(
    readonly line: string,
    readonly body: unknown,
    readonly raw: string,
    readonly receivedAt: Date,
    private readonly req: http.IncomingMessage,
  ) {}
  get headers(): http.IncomingHttpHeaders {
    return this.req.headers;
  }
  get rawHeaders(): string[] {
    return this.req.rawHeaders;
  }
}

export interface ListenerHooks {
  /**
   * Called once per event to accept, in arrival order, before the 200: the 200 goes out once the
   * returned promise resolves; a rejection answers 503 instead.
   */
  accepted(ev: AcceptedEvent): void | Promise<void>;
  /** After the 200 for an event has been sent. */
  acknowledged?(ev: AcceptedEvent): void;
  rejected(status: number, reason: string, from: { method?: string; path?: string; remote?: string }): void;
}

export interface Listener {
  url: string;
  port: number;
  server: http.Server;
  stats: { accepted: number; rejected: number };
  /** Stop accepting, let in-flight requests finish, then resolve. */
  close(): Promise<void>;
}

export { keyMatches };

/**
 * Headers for --record and the inspector: the key header, authorization, and any value carrying
 * a form of the key (`secretForms`, the Redactor's) are hidden.
 */
export function redactHeaders(h: http.IncomingHttpHeaders, forms: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const carries = (x: string) => forms.some((f) => x.includes(f));
  for (const [k, v] of Object.entries(h)) {
    const carriesKey = forms.length > 0 && (Array.isArray(v) ? v.some(carries) : carries(v ?? ''));
    out[k] = k === 'x-api-key' || k === 'authorization' || carriesKey ? '[redacted]' : v;
  }
  return out;
}

const SEEN = Symbol('requests seen');
const NUMBER = Symbol('request number');
const CLOSING = Symbol('refused request number');

const OK_BODY = '{"received":true}';
// As a flat array: Node takes it as it is, where an object is walked per answer.
const OK_HEADERS = ['content-type', 'application/json', 'content-length', String(Buffer.byteLength(OK_BODY))];

function reply(res: http.ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
  // A 200 never carries extra headers: only refusals do.
  if (status === 200) return void res.writeHead(200, OK_HEADERS).end(OK_BODY);
  const body = JSON.stringify({ error: message });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

/** Node's default maxHeadersCount: raw header entries (a name and a value each). */
const MAX_HEADER_ENTRIES = 2000;

export async function startListener(o: ListenerOptions, hooks: ListenerHooks): Promise<Listener> {
  const stats = { accepted: 0, rejected: 0 };
  let stopping = false;
  /** Events accepted or being written: --count is checked against this, so never more than n. */
  let reserved = 0;
  const expected = o.apiKey === undefined ? undefined : keyDigest(o.apiKey);
  const keyForms = secretForms(o.apiKey);

  // Memory for bodies being read or waiting for stdout is bounded: each request reserves its
  // declared length (else --max-body) before its body is read; past the budget, requests wait
  // unread, so a stdout that cannot keep up slows the senders down. Slow senders hold only what
  // they declared, so they cannot starve the others.
  // Each held event costs a few times its size (bytes, text, parsed value, the stdout copy).
  const budget = o.maxBuffered ?? Math.max(8 * 1024 * 1024, 2 * o.maxBody);
  let reservedBytes = 0;
  const waiting: Array<{ n: number; go: () => void }> = [];
  const fits = (n: number) => reservedBytes === 0 || reservedBytes + n <= budget;
  const admit = (n: number): Promise<void> | undefined => {
    if (waiting.length === 0 && fits(n)) {
      reservedBytes += n;
      return undefined;
    }
    return new Promise((go) => waiting.push({ n, go }));
  };
  const free = (n: number) => {
    reservedBytes -= n;
    while (waiting.length && fits(waiting[0]!.n)) {
      const w = waiting.shift()!;
      reservedBytes += w.n;
      w.go();
    }
  };

  /**
   * Requests numbered per connection, and for a connection refused with "connection: close" the
   * number of the refused one: a request pipelined behind it gets no answer (Node closes the
   * connection after that one), so it is not accepted.
   */
  // Properties, not WeakMaps: five WeakMap operations a request cost more than the check is worth.
  const conn = (req: http.IncomingMessage) => req.socket as Socket & { [SEEN]?: number; [CLOSING]?: number };
  const numbered = (req: http.IncomingMessage) => req as http.IncomingMessage & { [NUMBER]?: number };
  const behindRefusal = (req: http.IncomingMessage) => (numbered(req)[NUMBER] ?? 0) > (conn(req)[CLOSING] ?? Infinity);

  const reject = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    status: number,
    reason: string,
    extra: Record<string, string> = {},
  ) => {
    stats.rejected++;
    // The path without its query: a query string is where a confused sender might put a key.
    hooks.rejected(status, reason, {
      method: req.method,
      path: (req.url ?? '').split('?')[0],
      remote: req.socket.remoteAddress,
    });
    if (!res.headersSent && !res.destroyed) reply(res, status, reason, extra);
  };

  /**
   * Answers at once and closes the connection: the body is not read, beyond --max-body at most
   * (what the peer already sent while the answer goes out).
   */
  const refuse = (
    req: http.IncomingMessage,
    res: http.ServerResponse,
    status: number,
    reason: string,
    extra: Record<string, string> = {},
    alreadyRead = 0,
  ) => {
    reject(req, res, status, reason, { connection: 'close', ...extra });
    conn(req)[CLOSING] ??= numbered(req)[NUMBER] ?? 0;
    if (req.complete) return;
    let seen = alreadyRead;
    req.on('data', (c: Buffer) => {
      seen += c.length;
      if (seen > o.maxBody) req.socket.destroy();
    });
    req.on('error', () => {});
    res.on('finish', () => {
      // Node ends the connection after a "connection: close" answer; make sure of it.
      const t = setTimeout(() => req.socket.destroy(), 1_000);
      t.unref();
      req.socket.once('close', () => clearTimeout(t));
    });
  };

  const tooLarge = (req: http.IncomingMessage, res: http.ServerResponse) =>
    refuse(req, res, 413, `body over ${o.maxBody} bytes`);

  const countReached = () => o.count !== undefined && reserved >= o.count;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const c = conn(req);
    numbered(req)[NUMBER] = c[SEEN] = (c[SEEN] ?? 0) + 1;
    // Else its event would be printed and counted with its sender never told. Ended quietly.
    if (behindRefusal(req)) return void reply(res, 503, 'connection closing', { connection: 'close' });
    if (stopping) return refuse(req, res, 503, 'listener is stopping');
    // Node 22.23+ and 24 refuse a request with more header fields than maxHeadersCount (2,000
    // entries) in the parser (CVE-2026-58044, a 431); Node 20 passes it on: refused the same way.
    if (req.rawHeaders.length > MAX_HEADER_ENTRIES)
      return refuse(req, res, 431, `more than ${MAX_HEADER_ENTRIES / 2} header fields`);
    const q = req.url?.indexOf('?') ?? -1;
    const path = q >= 0 ? req.url!.slice(0, q) : (req.url ?? '');
    if (path !== o.path) return refuse(req, res, 404, `no such path ${path.slice(0, 100)} (listening on ${o.path})`);
    if (req.method !== 'POST') return refuse(req, res, 405, `method ${req.method} not allowed`, { allow: 'POST' });
    // The two headers a 200 needs, from the raw list: req.headers (every header lower-cased into
    // an object) is ~1.5 % of a bare server's time, and is built only if --record or a forward
    // asks for it. Two x-api-key headers are joined as Node joins them: one wrong key.
    let given: string | undefined;
    let declared = NaN;
    const raw = req.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      if (name.length === 9 && name.toLowerCase() === 'x-api-key')
        given = given === undefined ? raw[i + 1]! : `${given}, ${raw[i + 1]!}`;
      else if (name.length === 14 && Number.isNaN(declared) && name.toLowerCase() === 'content-length')
        declared = Number(raw[i + 1]);
    }
    if (expected !== undefined && !keyMatches(given, expected)) {
      return refuse(req, res, 401, given === undefined ? 'missing x-api-key' : 'wrong x-api-key');
    }
    if (countReached()) return refuse(req, res, 503, `already accepted ${plural(o.count!, 'event')} (--count)`);
    if (declared > o.maxBody) return tooLarge(req, res);

    const reservation = Number.isSafeInteger(declared) && declared >= 0 ? declared : o.maxBody;
    const wait = admit(reservation);
    if (wait) await wait;
    try {
      if (req.destroyed || req.socket.destroyed) return;
      const r = await readBodyLimited(req, o.maxBody, declared);
      if (!('body' in r)) {
        if ('tooLarge' in r) refuse(req, res, 413, `body over ${o.maxBody} bytes`, {}, r.tooLarge);
        return;
      }
      const buf = r.body;
      const receivedAt = new Date();
      // JSON is UTF-8: decoding anything else would silently replace bytes, i.e. mangle the event.
      if (!isUtf8(buf)) return reject(req, res, 400, 'body is not valid UTF-8');
      const text = buf.toString('utf8');
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch (err) {
        const why = err instanceof RangeError ? 'body nested too deeply' : 'body is not valid JSON';
        return reject(req, res, 400, why);
      }
      if (behindRefusal(req)) return void reply(res, 503, 'connection closing', { connection: 'close' });
      if (stopping) return refuse(req, res, 503, 'listener is stopping');
      if (countReached()) return refuse(req, res, 503, `already accepted ${plural(o.count!, 'event')} (--count)`);
      reserved++;
      // The sender's bytes, numbers and escapes included; only whitespace goes.
      const line = compactJson(text);
      const ev = new Accepted(line, body, text, receivedAt, req);
      if (o.record) {
        // The 200 goes out only once the event is on disk, whole.
        const rec = `{"received_at":${JSON.stringify(receivedAt.toISOString())},"headers":${JSON.stringify(redactHeaders(req.headers, keyForms))},"body":${line}}`;
        try {
          await o.record.append(rec);
        } catch (err) {
          reserved--;
          const status = err instanceof RecordError ? err.status : 503;
          return reject(req, res, status, `could not record the event: ${(err as Error).message}`);
        }
      }
      try {
        await hooks.accepted(ev);
      } catch (err) {
        reserved--;
        return reject(req, res, 503, `could not write the event: ${(err as Error).message}`, { connection: 'close' });
      }
      stats.accepted++;
      if (!res.destroyed) reply(res, 200, 'ok');
      hooks.acknowledged?.(ev);
    } finally {
      free(reservation);
    }
  };

  const server = http.createServer(
    {
      headersTimeout: o.headersTimeoutMs ?? 10_000,
      requestTimeout: o.requestTimeoutMs ?? 30_000,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 500,
      maxHeaderSize: 16 * 1024,
    },
    (req, res) => void handle(req, res),
  );
  // A sender that half-closes after its request (`nc -N`) still gets its answer.
  (server as http.Server & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;

  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // The peer is gone (or we already answered): nothing to say, nothing to report.
    if (!socket.writable || err.code === 'ECONNRESET') return void socket.destroy();
    const [status, text] =
      err.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large']
        : err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
          ? [408, 'Request Timeout']
          : [400, 'Bad Request'];
    stats.rejected++;
    hooks.rejected(
      status,
      status === 408 ? 'request not complete in time' : `malformed request (${err.code ?? err.message})`,
      { remote: (socket as Socket).remoteAddress },
    );
    socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
  });

  const { port, origin } = await listen(server, o.port, o.host);
  return {
    url: `${origin}${o.path}`,
    port,
    server,
    stats,
    close: () => {
      stopping = true;
      return closeGracefully(server);
    },
  };
}
