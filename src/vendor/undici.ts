// Only what the proxy path uses (ProxyAgent and the dispatcher API), not undici's whole index:
// the module graph is most of undici's start-up cost (BENCHMARKS.md).
import ProxyAgentImpl from 'undici/lib/dispatcher/proxy-agent.js';
import PoolImpl from 'undici/lib/dispatcher/pool.js';
import DispatcherImpl from 'undici/lib/dispatcher/dispatcher.js';
import api from 'undici/lib/api/index.js';
import type { Dispatcher, Pool, ProxyAgent as ProxyAgentType } from 'undici';

// What undici's index does: request(), connect() (used for CONNECT tunnels) and the rest.
Object.assign((DispatcherImpl as { prototype: object }).prototype, api);

export type ProxyAgent = ProxyAgentType;

/**
 * A ProxyAgent for `uri`. When the proxy closes the connection instead of answering CONNECT,
 * undici 7 reports a socket error that its client treats as recoverable and reconnects at once,
 * forever (tens of thousands of CONNECTs a second, deaf to the abort signal). The proxy's pool
 * here turns that error into one the client gives up on, so the request fails and our own retry
 * policy decides.
 */
export function proxyAgent(uri: string, opts: { keepAliveTimeout?: number } = {}): ProxyAgentType {
  const PA = ProxyAgentImpl as unknown as typeof ProxyAgentType;
  const P = PoolImpl as unknown as typeof Pool;
  return new PA({
    uri,
    ...opts,
    clientFactory: (origin: URL, o: object) => {
      const pool = new P(origin, o);
      const connect = Object.getPrototypeOf(pool).connect.bind(pool) as (
        p: Dispatcher.ConnectOptions,
      ) => Promise<Dispatcher.ConnectData>;
      (pool as { connect: unknown }).connect = (params: Dispatcher.ConnectOptions, cb?: unknown) => {
        if (cb) return (connect as unknown as (...a: unknown[]) => unknown)(params, cb);
        return connect(params).catch((err: { code?: string; message?: string }) => {
          if (err?.code !== 'UND_ERR_SOCKET' && err?.code !== 'ECONNRESET') throw err;
          throw Object.assign(new Error(`the proxy closed the connection before answering CONNECT (${err.message})`), {
            code: 'PROXY_CLOSED',
            cause: err,
          });
        });
      };
      return pool;
    },
  } as ConstructorParameters<typeof ProxyAgentType>[0]);
}
