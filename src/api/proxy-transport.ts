import { urlCredentials, type OpenRequest, type OpenResponse, type Transport } from './transport.js';
import { atEnd } from '../runtime/lifecycle.js';
import { setV8Flags } from '../runtime/v8-flags.js';

type Undici = typeof import('../vendor/undici.js');
let undici: Undici | undefined;
const agents = new Map<string, ReturnType<Undici['proxyAgent']>>();

async function load(): Promise<Undici> {
  if (!undici) {
    // llhttp is WebAssembly: with Liftoff alone V8 compiles it in ~2 ms and process exit never
    // waits for TurboFan re-optimising it on a background thread (74-91 ms here; BENCHMARKS.md).
    setV8Flags('--liftoff-only');
    undici = await import('../vendor/undici.js');
    atEnd(async () => {
      const all = [...agents.values()];
      agents.clear();
      // destroy, not close: close waits for a CONNECT the proxy never answers (~300 s) after a
      // timeout or Ctrl-C gave the request up; nothing still in flight is wanted at the end.
      await Promise.all(all.map((a) => a.destroy().catch(() => {})));
    });
  }
  return undici;
}

/** Requests through an HTTP(S) proxy with undici (CONNECT tunnels); chosen per host. */
export function proxyTransport(proxy: string): Transport {
  return {
    kind: 'proxy',
    async open(r: OpenRequest): Promise<OpenResponse> {
      const u = await load();
      let agent = agents.get(proxy);
      if (!agent) agents.set(proxy, (agent = u.proxyAgent(proxy, { keepAliveTimeout: 4_000 })));
      // The same credentials as the direct path: the URL's user:password unless -H gave one.
      const headers = { ...r.headers };
      const auth = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')
        ? undefined
        : urlCredentials(r.url);
      if (auth) headers.authorization = auth;
      const pending = agent.request({
        origin: r.url.origin,
        path: `${r.url.pathname}${r.url.search}`,
        method: r.method as 'GET',
        headers,
        body: r.body,
        signal: r.signal,
      });
      // undici does not hear the signal while the proxy has not answered CONNECT (it waits up to
      // its 300 s headers timeout): a timeout or Ctrl-C gives the request up here at once.
      let cancelled = false;
      const res = await new Promise<Awaited<typeof pending>>((resolve, reject) => {
        pending.then(
          (x) => (cancelled ? x.body.on('error', () => {}).destroy() : resolve(x)),
          (err: unknown) => reject(err),
        );
        r.onCancel?.((reason) => {
          cancelled = true;
          reject(Object.assign(new Error('The operation was aborted'), { name: 'AbortError', cause: reason }));
        });
      });
      const body = res.body;
      return {
        status: res.statusCode,
        headers: res.headers,
        body: body as AsyncIterable<Buffer>,
        complete: () => body.readableEnded,
      };
    },
  };
}
