import http from 'node:http';
import { closeGracefully, hostCheck, listen, readBodyLimited } from '../../server/http-server.js';
import { memberText } from '../json-text.js';
import { redactUserinfo } from '../../output/redact.js';
import { pageAssets, type PageAssets } from './assets.js';
import { EventStore, hideIn, keptDelivery, keyForms, type Delivery, type Entry, type Received } from './store.js';

export interface InspectorOptions {
  port: number;
  /** --forward-to with its password hidden, shown on the page; undefined without it. */
  forwardTo?: string;
  /** The configured key: hidden in everything served, and sent by replays. */
  apiKey?: string;
  /** The largest replay body accepted (the listener's --max-body). */
  maxBody: number;
  /**
   * Sends a body to `to` (undefined: --forward-to) with the key, through the listener's forwarder.
   * Resolves with the receiver's answer, or a delivery with `error` when nothing answered; throws
   * for a request it refuses (a bad URL, no URL), whose message is the 400's error.
   */
  deliver(to: string | undefined, body: string, key: string | undefined): Promise<Delivery>;
  maxEvents?: number;
  maxBytes?: number;
  assets?: PageAssets;
}

export interface Inspector {
  url: string;
  port: number;
  /** Tells the pages the listener's URL, once it listens (the inspector starts first). */
  setListening(url: string): void;
  /** Keeps an accepted event (after its entry is on stdout) and tells the open pages. */
  add(ev: Received): Entry;
  /** The receiver's answer to an event's forward. */
  forwarded(entry: Entry, d: Delivery): void;
  close(): Promise<void>;
}

const CSP = "default-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; object-src 'none'";
// On every answer, errors included.
const SAFE: Record<string, string> = {
  'content-security-policy': CSP,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};
const MAX_PAGES = 32;
/** A page that does not read its stream is cut off past this; it reconnects and reloads the list. */
const MAX_STREAM_BACKLOG = 16 * 1024 * 1024;
const REPLAY = /^\/api\/events\/(\d{1,15})\/replay$/;
const ONE = /^\/api\/events\/(\d{1,15})$/;

function send(res: http.ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { ...SAFE, 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const sendJson = (res: http.ServerResponse, status: number, json: string) =>
  send(res, status, 'application/json; charset=utf-8', json);
const fail = (res: http.ServerResponse, status: number, message: string) =>
  sendJson(res, status, JSON.stringify({ error: message }));

export async function startInspector(o: InspectorOptions): Promise<Inspector> {
  const assets = o.assets ?? (await pageAssets());
  const forms = keyForms(o.apiKey);
  const store = new EventStore({ maxEvents: o.maxEvents ?? 1000, maxBytes: o.maxBytes ?? 64 * 1024 * 1024 }, forms);
  const pages = new Set<http.ServerResponse>();
  /** Host values a request may carry: anything else is a DNS-rebinding page (set once bound). */
  let ownHost: (host: string | undefined) => boolean = () => false;

  /** The listener's URL, once it listens. */
  let listening: string | undefined;
  const status = () =>
    JSON.stringify({
      listening: listening ?? null,
      // The page is a display: a password in the URL is never shown there.
      forward_to: o.forwardTo === undefined ? null : redactUserinfo(o.forwardTo),
      events: store.size,
      dropped: store.dropped,
      max_events: store.limits.maxEvents,
    });

  // What the open pages are told is gathered over a turn of the event loop and written once: a
  // busy listener accepts many events a turn, and a write per event per page would slow it.
  let queued: Array<() => string> = [];
  let statusQueued = false;
  const flush = () => {
    const messages = queued;
    queued = [];
    statusQueued = false;
    if (!pages.size) return;
    // JSON text holds no raw newline, so each is one data line.
    const text = messages.map((m) => m()).join('');
    for (const res of pages) {
      if (res.writableLength > MAX_STREAM_BACKLOG) {
        pages.delete(res);
        res.destroy();
      } else res.write(text);
    }
  };
  const broadcast = (name: string, data: () => string) => {
    if (queued.push(() => `event: ${name}\ndata: ${data()}\n\n`) === 1) setImmediate(flush);
  };

  const stream = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (pages.size >= MAX_PAGES) return fail(res, 503, `at most ${MAX_PAGES} pages at once`);
    res.writeHead(200, { ...SAFE, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive' });
    res.write(`retry: 1000\n\nevent: status\ndata: ${status()}\n\n`);
    pages.add(res);
    req.on('close', () => pages.delete(res));
  };
  // Keeps idle streams open through proxies and tells a page its server is still there.
  const ping = setInterval(() => {
    for (const res of pages) res.write(': ping\n\n');
  }, 15_000);
  ping.unref();

  const replay = async (req: http.IncomingMessage, res: http.ServerResponse, id: number) => {
    const entry = store.get(id);
    const r = await readBodyLimited(req, o.maxBody + 64 * 1024);
    if (!('body' in r)) return 'tooLarge' in r ? fail(res, 413, 'request body too large') : undefined;
    if (!entry) return fail(res, 404, `no event ${id} (it may have been dropped)`);
    const text = r.body.toString('utf8').trim();
    let to: string | undefined;
    let body = entry.raw;
    if (text) {
      let v: unknown;
      try {
        v = JSON.parse(text);
      } catch {
        return fail(res, 400, 'request body is not valid JSON');
      }
      if (typeof v !== 'object' || v === null || Array.isArray(v))
        return fail(res, 400, 'request body must be a JSON object: {"to"?, "body"?}');
      const ask = v as { to?: unknown; body?: unknown };
      if (ask.to !== undefined && ask.to !== null && typeof ask.to !== 'string')
        return fail(res, 400, '"to" must be a URL string');
      to = typeof ask.to === 'string' && ask.to.trim() ? ask.to.trim() : undefined;
      // The body exactly as written in the request, numbers and escapes included.
      if ('body' in ask) body = memberText(text, 'body') ?? JSON.stringify(ask.body);
    }
    let d: Delivery;
    try {
      d = await o.deliver(to, body, o.apiKey ?? entry.key);
    } catch (err) {
      return fail(res, 400, hideIn((err as Error).message, forms));
    }
    const kept = keptDelivery(d, forms);
    sendJson(res, kept.status === null ? 502 : 200, JSON.stringify(kept));
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (!ownHost(req.headers.host)) return fail(res, 403, 'forbidden: unknown Host');
    const path = (req.url ?? '/').split('?')[0]!;
    if (req.method === 'POST') {
      // Browsers send Origin with every cross-origin POST: only the page itself may replay.
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${req.headers.host!.toLowerCase()}`)
        return fail(res, 403, 'forbidden: foreign Origin');
      // And say where a request came from (a browser that left Origin out still sends this).
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none')
        return fail(res, 403, 'forbidden: foreign Origin');
      const m = REPLAY.exec(path);
      if (m)
        return void replay(req, res, Number(m[1])).catch((err: Error) => {
          if (!res.headersSent) fail(res, 500, hideIn(err.message, forms));
        });
      if (path.startsWith('/api/')) return fail(res, 404, 'not found');
      res.setHeader('allow', 'GET, HEAD');
      return fail(res, 405, 'method POST not allowed');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD, POST');
      return fail(res, 405, `method ${req.method} not allowed`);
    }
    switch (path) {
      case '/':
      case '/index.html':
        return send(res, 200, 'text/html; charset=utf-8', assets.html);
      case '/page.js':
        return send(res, 200, 'text/javascript; charset=utf-8', assets.js);
      case '/page.css':
        return send(res, 200, 'text/css; charset=utf-8', assets.css);
      case '/favicon.ico':
        res.writeHead(204, SAFE);
        return void res.end();
      case '/api/events':
        return sendJson(res, 200, store.listJson());
      case '/api/status':
        return sendJson(res, 200, status());
      case '/api/stream':
        // A HEAD gets the headers only: a stream of no body would never be written to.
        if (req.method === 'HEAD') return send(res, 200, 'text/event-stream; charset=utf-8', '');
        return stream(req, res);
    }
    const m = ONE.exec(path);
    const entry = m ? store.get(Number(m[1])) : undefined;
    if (entry) return sendJson(res, 200, entry.json);
    return fail(res, 404, m ? `no event ${m[1]} (it may have been dropped)` : 'not found');
  };

  const server = http.createServer(
    { headersTimeout: 10_000, requestTimeout: 30_000, maxHeaderSize: 16 * 1024 },
    handle,
  );
  const { port } = await listen(server, o.port, '127.0.0.1');
  ownHost = hostCheck(port, { names: ['127.0.0.1', 'localhost', '[::1]'] });

  const self: Inspector = {
    url: `http://127.0.0.1:${port}/`,
    port,
    setListening(url) {
      listening = url;
      if (pages.size) broadcast('status', status);
    },
    add(ev) {
      const before = store.dropped;
      const entry = store.add(ev);
      if (pages.size) {
        broadcast('event', () => entry.json);
        // One status a turn is enough: it is read when the turn's messages go out.
        if (store.dropped !== before && !statusQueued) {
          statusQueued = true;
          broadcast('status', status);
        }
      }
      return entry;
    },
    forwarded(entry, d) {
      if (store.setForward(entry, d) && pages.size)
        broadcast('forward', () => `{"id":${entry.id},"forward":${JSON.stringify(entry.forward)}}`);
    },
    close() {
      clearInterval(ping);
      for (const res of pages) res.end();
      pages.clear();
      return closeGracefully(server, 1_000);
    },
  };
  return self;
}
