import http from 'node:http';
import type https from 'node:https';
import { urlCredentials, type OpenRequest, type OpenResponse, type Transport } from './transport.js';

// Idle keep-alive sockets are unref'd by Node's agent, so they never hold the process open.
let httpAgent: http.Agent | undefined;
let httpsAgent: https.Agent | undefined;
// node:https (TLS) loads only for https URLs: the sandbox and the tests are plain http.
let httpsModule: typeof https | undefined;

/** Direct connections with Node's own http/https: nothing extra to load at start-up. */
export const nodeTransport: Transport = {
  kind: 'direct',
  open(r: OpenRequest): Promise<OpenResponse> {
    let mod: typeof http | typeof https = http;
    let agent: http.Agent;
    if (r.url.protocol === 'https:') {
      httpsModule ??= process.getBuiltinModule('node:https') as typeof https;
      mod = httpsModule;
      agent = httpsAgent ??= new httpsModule.Agent({ keepAlive: true });
    } else {
      agent = httpAgent ??= new http.Agent({ keepAlive: true });
    }
    const headers = headerList(r);
    return new Promise((resolve, reject) => {
      // A callback rather than http.request's `signal` option (an event target per request).
      const req = mod.request(
        r.url,
        { method: r.method, headers, agent, ...(r.onCancel ? {} : { signal: r.signal }) },
        (res) => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res, complete: () => res.complete });
        },
      );
      r.onCancel?.((reason) =>
        req.destroy(
          Object.assign(new Error('The operation was aborted'), {
            name: 'AbortError',
            code: 'ABORT_ERR',
            cause: reason,
          }),
        ),
      );
      // Before the response this rejects; after it, the body stream reports the fault itself.
      // A kept-alive socket the server had closed is marked: webhook verify retries that once.
      req.on('error', (err: Error & { reusedSocket?: boolean }) => {
        if (req.reusedSocket) err.reusedSocket = true;
        reject(err);
      });
      req.end(r.body);
    });
  },
};

/**
 * The request's headers as a flat list, as Node writes them for an object: one per name
 * (case-insensitive, the last wins), then `content-length` for a body, then Host, and for a URL
 * with user:password Basic credentials unless an Authorization is given. Node validates a list the
 * same way without a setHeader per name (~7 us a request, BENCHMARKS.md §5), but adds none of
 * those itself; and TLS then checks the URL's host whatever Host says, as curl does.
 */
function headerList(r: OpenRequest): string[] {
  const list: string[] = [];
  const names: string[] = [];
  const set = (name: string, value: string) => {
    const lower = name.toLowerCase();
    const at = names.indexOf(lower);
    if (at < 0) {
      names.push(lower);
      list.push(name, value);
    } else {
      list[2 * at] = name;
      list[2 * at + 1] = value;
    }
  };
  for (const name in r.headers) set(name, r.headers[name]!);
  if (r.body !== undefined) set('content-length', String(Buffer.byteLength(r.body)));
  if (!names.includes('host')) list.push('Host', r.url.host);
  const auth = names.includes('authorization') ? undefined : urlCredentials(r.url);
  if (auth) list.push('Authorization', auth);
  return list;
}
