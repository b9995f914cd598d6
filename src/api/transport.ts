import http from 'node:http';
import { CutOffError } from '../errors.js';
import type https from 'node:https';

/**
 * The one place that moves bytes over HTTP for the CLI.
 *
 * Direct connections use Node's built-in http/https with a keep-alive agent: they cost nothing to
 * load, where undici's parser (llhttp compiled from WebAssembly at start) added ~250 ms to every
 * command on this machine (BENCHMARKS.md). When HTTP_PROXY/HTTPS_PROXY is set, requests go
 * through undici's EnvHttpProxyAgent, which does proxying (CONNECT, NO_PROXY) better than code
 * we would write.
 */

export interface TransportRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  /** Called when the status line and headers have arrived. */
  onHeaders?: () => void;
}

export class TransportResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** The body as it arrived; joined only when someone asks for body or text (a 20 MB copy). */
  readonly chunks: Buffer[];
  readonly length: number;
  #body: Buffer | undefined;
  #text: string | undefined;
  constructor(status: number, headers: Record<string, string | string[] | undefined>, chunks: Buffer[]) {
    this.status = status;
    this.headers = headers;
    this.chunks = chunks;
    this.length = chunks.reduce((n, c) => n + c.length, 0);
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

export function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
}

// Idle keep-alive sockets are unref'd by Node's agent, so they never hold the process open.
let httpAgent: http.Agent | undefined;
let httpsAgent: https.Agent | undefined;
// node:https (TLS) is loaded only for https URLs: the sandbox and tests are plain http.
let httpsModule: typeof https | undefined;

function direct(r: TransportRequest): Promise<TransportResponse> {
  const u = new URL(r.url);
  let mod: typeof http | typeof https = http;
  let agent: http.Agent;
  if (u.protocol === 'https:') {
    // getBuiltinModule, not import(): the bundle runs as a vm.Script (bin/load.js), where import() is unavailable.
    httpsModule ??= process.getBuiltinModule('node:https') as typeof https;
    mod = httpsModule;
    agent = httpsAgent ??= new httpsModule.Agent({ keepAlive: true });
  } else {
    agent = httpAgent ??= new http.Agent({ keepAlive: true });
  }
  return new Promise((resolve, reject) => {
    const headers = { ...r.headers };
    if (r.body !== undefined) headers['content-length'] = String(Buffer.byteLength(r.body));
    const req = mod.request(u, { method: r.method, headers, agent, signal: r.signal }, (res) => {
      r.onHeaders?.();
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      // A connection closed before the declared length: the body is cut, not complete.
      const cut = () => {
        const received = chunks.reduce((n, c) => n + c.length, 0);
        const head = Buffer.concat(chunks).subarray(0, 80).toString('utf8').replace(/\s+/g, ' ');
        reject(new CutOffError(res.statusCode ?? 0, received, head, u.host));
      };
      res.on('end', () => (res.complete ? resolve(new TransportResponse(res.statusCode ?? 0, res.headers, chunks)) : cut()));
      res.on('aborted', cut);
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

async function viaProxy(r: TransportRequest): Promise<TransportResponse> {
  const { proxyAgent } = await import('./proxy.js');
  const { request } = await import('../vendor/undici.js');
  const res = await request(r.url, {
    method: r.method as 'GET',
    headers: r.headers,
    body: r.body,
    signal: r.signal,
    dispatcher: proxyAgent(r.env),
  });
  r.onHeaders?.();
  const body = Buffer.from(await res.body.arrayBuffer());
  return new TransportResponse(res.statusCode, res.headers, [body]);
}

export function send(r: TransportRequest): Promise<TransportResponse> {
  return proxyConfigured(r.env) ? viaProxy(r) : direct(r);
}
