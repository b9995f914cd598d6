import http from 'node:http';
import { closeGracefully, hostCheck, keyDigest, keyMatches, listen, readBodyLimited } from '../server/http-server.js';
import { threadHash } from '../api/hash.js';
import { objectId, type SandboxMessage, type SandboxStore } from './store.js';
import { replyFor, replyLang } from './replies.js';
import { now } from '../runtime/clock.js';

export interface SandboxOptions {
  host: string;
  port: number;
  apiKey: string;
  store: SandboxStore;
  webhookUrl?: string;
  /** One line per request (method, path, status, ms); and webhook delivery reports. */
  log?: (line: string) => void;
  /** Delivery problems are reported even when request logging is off. */
  warn?: (line: string) => void;
  webhookRetryDelaysMs?: number[];
  /** Added before every answer, to feel like a remote API. */
  latencyMs?: number;
}

export interface Sandbox {
  url: string;
  port: number;
  server: http.Server;
  /** Webhook deliveries still in flight. */
  deliveries: Set<Promise<void>>;
  close(): Promise<void>;
}

const MAX_BODY = 1024 * 1024;
/** Characters in user_fid, thread_fid, lang or subject. */
const MAX_FIELD = 4096;
const SYSTEM_USER = 'gurusup-ai';

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function send(res: http.ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    ...(status === 413 ? { connection: 'close' } : {}),
  });
  res.end(body);
}

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    throw new HttpError(400, `malformed percent-encoding in the path: ${s.slice(0, 100)}`);
  }
}

function errorBody(status: number, message: string): string {
  return JSON.stringify({ error: http.STATUS_CODES[status] ?? 'Error', message });
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const r = await readBodyLimited(req, MAX_BODY);
  if ('body' in r) return r.body.toString('utf8');
  if ('tooLarge' in r) {
    // Stop keeping the data; the 413 is answered with connection: close.
    req.resume();
    throw new HttpError(413, `body over ${MAX_BODY} bytes`);
  }
  throw new HttpError(400, 'the request body did not arrive whole');
}

/** Validates a PartialMessage, naming the field that is wrong. */
export function validatePartial(raw: string): {
  body: string;
  user_fid: string;
  thread_fid: string;
  lang?: string;
  subject?: string;
  is_customer_support_agent: boolean;
} {
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'request body is not valid JSON');
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new HttpError(400, 'request body must be a JSON object');
  const o = v as Record<string, unknown>;
  for (const f of ['body', 'user_fid', 'thread_fid']) {
    if (o[f] === undefined || o[f] === null) throw new HttpError(400, `field "${f}" is required`);
    if (typeof o[f] !== 'string' || !(o[f] as string).trim())
      throw new HttpError(400, `field "${f}" must be a non-empty string`);
  }
  for (const f of ['lang', 'subject']) {
    if (o[f] !== undefined && typeof o[f] !== 'string') throw new HttpError(400, `field "${f}" must be a string`);
  }
  // Only the body may be long: ids and a subject of megabytes would fill memory past the text limit.
  for (const f of ['user_fid', 'thread_fid', 'lang', 'subject'])
    if (typeof o[f] === 'string' && (o[f] as string).length > MAX_FIELD)
      throw new HttpError(400, `field "${f}" is longer than ${MAX_FIELD} characters`);
  if (o.is_customer_support_agent !== undefined && typeof o.is_customer_support_agent !== 'boolean') {
    throw new HttpError(400, 'field "is_customer_support_agent" must be a boolean');
  }
  return {
    body: o.body as string,
    user_fid: o.user_fid as string,
    thread_fid: o.thread_fid as string,
    lang: o.lang as string | undefined,
    subject: o.subject as string | undefined,
    is_customer_support_agent: o.is_customer_support_agent === true,
  };
}

export async function startSandbox(o: SandboxOptions): Promise<Sandbox> {
  const deliveries = new Set<Promise<void>>();
  const expectedKey = keyDigest(o.apiKey);
  const delays = o.webhookRetryDelaysMs ?? [500, 1000, 2000];

  const deliver = (reply: SandboxMessage) => {
    if (!o.webhookUrl) return;
    const url = o.webhookUrl;
    const payload = JSON.stringify({ event: 'send_message', data: reply });
    const p = (async () => {
      const { postEvent } = await import('../webhook/send.js');
      for (let attempt = 0; ; attempt++) {
        let problem: string;
        try {
          const r = await postEvent(url, payload, o.apiKey, { timeoutMs: 10_000 });
          if (r.status >= 200 && r.status < 300) {
            o.log?.(`webhook → ${url} ${r.status} ${r.ms}ms`);
            return;
          }
          problem = `answered ${r.status}`;
        } catch (err) {
          problem = (err as Error).message;
        }
        if (attempt >= delays.length) {
          o.warn?.(`webhook delivery to ${url} failed after ${attempt + 1} attempts: ${problem}`);
          return;
        }
        o.log?.(`webhook → ${url} ${problem}; retrying in ${delays[attempt]}ms`);
        await new Promise((r) => setTimeout(r, delays[attempt]));
      }
    })().finally(() => deliveries.delete(p));
    deliveries.add(p);
  };

  // Known once listening: a request must name this address (DNS rebinding: a web page whose host
  // name now points at 127.0.0.1 sends its own name as Host).
  let ownHost: (host: string | undefined) => boolean = () => false;

  const route = async (req: http.IncomingMessage): Promise<[number, string]> => {
    if (!ownHost(req.headers.host)) throw new HttpError(403, "Host is not this sandbox's address");
    if (!keyMatches(typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'] : undefined, expectedKey)) {
      throw new HttpError(401, 'missing or invalid x-api-key');
    }
    const path = (req.url ?? '/').split('?')[0]!.replace(/\/+$/, '') || '/';
    const method = req.method ?? 'GET';
    const only = (m: string) => {
      if (method !== m) throw new HttpError(405, `method ${method} not allowed on ${path}; use ${m}`);
    };
    if (path === '/threads') {
      only('GET');
      return [200, o.store.listJson()];
    }
    let m = /^\/threads\/([^/]+)$/.exec(path);
    if (m) {
      only('GET');
      const hash = decodeSegment(m[1]!).toLowerCase();
      const t = o.store.thread(hash);
      if (!t) throw new HttpError(404, `thread ${hash} not found`);
      return [200, JSON.stringify(t)];
    }
    m = /^\/messages\/([^/]+)$/.exec(path);
    if (m) {
      only('GET');
      const id = decodeSegment(m[1]!);
      const msg = o.store.message(id);
      if (!msg) throw new HttpError(404, `message ${id} not found`);
      return [200, JSON.stringify(msg)];
    }
    if (path === '/messages') {
      only('POST');
      const raw = await readBody(req);
      const p = validatePartial(raw);
      // The whole request bounds what its fields weigh; a reply adds its text and ids.
      const replyBytes = p.is_customer_support_agent ? 0 : 1024 + Buffer.byteLength(p.thread_fid);
      if (!o.store.hasRoom(p.is_customer_support_agent ? 1 : 2, Buffer.byteLength(raw) + replyBytes))
        throw new HttpError(
          507,
          `the sandbox is full (at most ${o.store.limits.messages} messages and ${Math.round(o.store.limits.textBytes / 1024 / 1024)} MiB of text); the message was not kept: restart it, or use a new --data file`,
        );
      const now = new Date().toISOString();
      const message: SandboxMessage = {
        _id: objectId(),
        body: p.body,
        thread_fid: p.thread_fid,
        user_fid: p.user_fid,
        ...(p.lang !== undefined ? { lang: p.lang } : {}),
        ...(p.subject !== undefined ? { subject: p.subject } : {}),
        is_customer_support_agent: p.is_customer_support_agent,
        created_at: now,
        updated_at: now,
      };
      const undoMessage = o.store.addMessage(message);
      // A save that fails (a full disk) is a 500 and the message is not kept.
      const commit = (messages: SandboxMessage[], undo: Array<() => void>) => {
        try {
          o.store.commit(messages, undo);
        } catch (err) {
          o.warn?.(`${(err as Error).message}; the message was not kept`);
          throw new HttpError(500, 'could not save the sandbox data; the message was not kept');
        }
      };
      if (p.is_customer_support_agent) {
        commit([message], [undoMessage]);
        return [201, JSON.stringify(message)];
      }
      const lang = replyLang(p.lang ?? o.store.thread(threadHash(p.thread_fid))?.lang);
      const reply: SandboxMessage = {
        _id: objectId(),
        body: replyFor(p.body, lang),
        thread_fid: p.thread_fid,
        user_fid: SYSTEM_USER,
        lang,
        is_customer_support_agent: true,
        role: 'assistant',
        in_reply_to: message._id,
        created_at: new Date().toISOString(),
        updated_at: new Date().toISOString(),
      };
      commit([message, reply], [undoMessage, o.store.addMessage(reply)]);
      deliver(reply);
      return [201, JSON.stringify(reply)];
    }
    throw new HttpError(404, `no such endpoint: ${method} ${path}`);
  };

  const server = http.createServer(
    { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 5_000 },
    (req, res) => {
      const started = now();
      const delayed = o.latencyMs ? new Promise((r) => setTimeout(r, o.latencyMs)).then(() => route(req)) : route(req);
      delayed
        .then(([status, body]) => send(res, status, body))
        .catch((err: unknown) => {
          const status = err instanceof HttpError ? err.status : 500;
          const message = err instanceof HttpError ? err.message : 'internal sandbox error';
          if (!res.headersSent && !res.destroyed) send(res, status, errorBody(status, message));
          if (!(err instanceof HttpError)) o.warn?.(`internal error: ${(err as Error).message ?? String(err)}`);
        })
        .finally(() =>
          o.log?.(
            `${req.method} ${(req.url ?? '').split('?')[0]!.slice(0, 200)} ${res.statusCode} ${Math.round(now() - started)}ms`,
          ),
        );
    },
  );

  const { port, origin } = await listen(server, o.port, o.host);
  ownHost = hostCheck(port, { names: ['localhost', o.host], anyIp: true });
  return {
    url: origin,
    port,
    server,
    deliveries,
    close: () => closeGracefully(server),
  };
}
