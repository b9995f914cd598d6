import http from 'node:http';
import { closeGracefully, listen } from '../http-server.js';
import crypto, { timingSafeEqual } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import type { LineAppender } from './record.js';

export interface ListenerOptions {
  host: string;
  port: number;
  path: string;
  /** When set, requests must carry it in x-api-key. */
  apiKey?: string;
  maxBody: number;
  record?: LineAppender;
  headersTimeoutMs?: number;
  requestTimeoutMs?: number;
}

export interface AcceptedEvent {
  /** The body re-serialized compactly: one NDJSON line. */
  line: string;
  body: unknown;
  /** The body exactly as received. */
  raw: string;
  headers: http.IncomingHttpHeaders;
  receivedAt: Date;
  rawKey?: string;
}

export interface ListenerHooks {
  /** Called once per accepted event, in the order they are accepted, before the 200. */
  accepted(ev: AcceptedEvent): void;
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

function digest(s: string): Buffer {
  // One-shot crypto.hash: a Hash object per request cost ~10% of the listener's throughput.
  return crypto.hash('sha256', s, 'buffer');
}

/** Constant-time: compares fixed-length digests so neither content nor length leaks through timing. */
export function keyMatches(given: string | undefined, expected: string | Buffer): boolean {
  if (given === undefined) return false;
  return timingSafeEqual(digest(given), typeof expected === 'string' ? digest(expected) : expected);
}

/** Headers for --record: the key header, authorization, and any value carrying the key are hidden. */
export function redactHeaders(h: http.IncomingHttpHeaders, key?: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(h)) {
    const carriesKey = key !== undefined && key.length > 0 && (Array.isArray(v) ? v.some((x) => x.includes(key)) : (v ?? '').includes(key));
    out[k] = k === 'x-api-key' || k === 'authorization' || carriesKey ? '[redacted]' : v;
  }
  return out;
}

const OK_BODY = '{"received":true}';

function reply(res: http.ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
  const body = status === 200 ? OK_BODY : JSON.stringify({ error: message });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...extra });
  res.end(body);
}

export async function startListener(o: ListenerOptions, hooks: ListenerHooks): Promise<Listener> {
  const stats = { accepted: 0, rejected: 0 };
  let stopping = false;
  const expected = o.apiKey === undefined ? undefined : digest(o.apiKey);

  const reject = (req: http.IncomingMessage, res: http.ServerResponse, status: number, reason: string, extra: Record<string, string> = {}) => {
    stats.rejected++;
    // The path without its query: a query string is where a confused sender might put a key.
    hooks.rejected(status, reason, { method: req.method, path: (req.url ?? '').split('?')[0], remote: req.socket.remoteAddress });
    reply(res, status, reason, extra);
  };

  const server = http.createServer(
    {
      headersTimeout: o.headersTimeoutMs ?? 10_000,
      requestTimeout: o.requestTimeoutMs ?? 30_000,
      keepAliveTimeout: 5_000,
      connectionsCheckingInterval: 500,
      maxHeaderSize: 16 * 1024,
    },
    (req, res) => {
      if (stopping) return reject(req, res, 503, 'listener is stopping', { connection: 'close' });
      const q = req.url?.indexOf('?') ?? -1;
      const path = q >= 0 ? req.url!.slice(0, q) : (req.url ?? '');
      if (path !== o.path) return reject(req, res, 404, `no such path ${path.slice(0, 100)} (listening on ${o.path})`);
      if (req.method !== 'POST') return reject(req, res, 405, `method ${req.method} not allowed`, { allow: 'POST' });
      const given = req.headers['x-api-key'];
      if (expected !== undefined && !keyMatches(typeof given === 'string' ? given : undefined, expected)) {
        return reject(req, res, 401, given === undefined ? 'missing x-api-key' : 'wrong x-api-key');
      }
      const declared = Number(req.headers['content-length']);
      if (declared > o.maxBody) return tooLarge(req, res);

      const chunks: Buffer[] = [];
      let size = 0;
      let over = false;
      req.on('data', (c: Buffer) => {
        if (over) return;
        size += c.length;
        if (size > o.maxBody) {
          over = true;
          chunks.length = 0;
          tooLarge(req, res);
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => {
        if (over) return;
        const receivedAt = new Date();
        const buf = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
        // JSON is UTF-8: decoding anything else would silently replace bytes, i.e. mangle the event.
        if (!isUtf8(buf)) return reject(req, res, 400, 'body is not valid UTF-8');
        const text = buf.toString('utf8');
        let body: unknown;
        let line: string;
        try {
          body = JSON.parse(text);
          line = JSON.stringify(body);
        } catch (err) {
          const why = err instanceof RangeError ? 'body nested too deeply' : 'body is not valid JSON';
          return reject(req, res, 400, why);
        }
        const ev: AcceptedEvent = { line, body, raw: text, headers: req.headers, receivedAt };
        const accept = () => {
          stats.accepted++;
          hooks.accepted(ev);
          if (!res.destroyed) reply(res, 200, 'ok');
        };
        if (!o.record) return accept();
        // The 200 goes out only once the event is on disk.
        const rec = `{"received_at":${JSON.stringify(receivedAt.toISOString())},"headers":${JSON.stringify(redactHeaders(req.headers, o.apiKey))},"body":${line}}`;
        o.record.append(rec).then(accept, (err: Error) => reject(req, res, 500, `could not record the event: ${err.message}`));
      });
      req.on('error', () => {
        // client went away mid-body: nothing to answer
      });
    },
  );

  function tooLarge(req: http.IncomingMessage, res: http.ServerResponse): void {
    // Stop reading: answer, then drop the connection instead of swallowing the rest.
    reject(req, res, 413, `body over ${o.maxBody} bytes`, { connection: 'close' });
    res.on('finish', () => req.destroy());
  }

  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    // The peer is gone (or we already answered): nothing to say, nothing to report.
    if (!socket.writable || err.code === 'ECONNRESET') return void socket.destroy();
    const [status, text] =
      err.code === 'HPE_HEADER_OVERFLOW' ? [431, 'Request Header Fields Too Large']
      : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'Request Timeout']
      : [400, 'Bad Request'];
    stats.rejected++;
    hooks.rejected(status, status === 408 ? 'request not complete in time' : `malformed request (${err.code ?? err.message})`, { remote: (socket as Socket).remoteAddress });
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
