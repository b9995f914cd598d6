import { EnvHttpProxyAgent, type Dispatcher } from '../vendor/undici.js';
import { atEnd } from '../lifecycle.js';

let agent: Dispatcher | undefined;

/** undici's proxy agent, honouring HTTPS_PROXY, HTTP_PROXY and NO_PROXY. */
export function proxyAgent(env: NodeJS.ProcessEnv): Dispatcher {
  if (!agent) {
    agent = new EnvHttpProxyAgent({
      httpProxy: env.HTTP_PROXY ?? env.http_proxy,
      httpsProxy: env.HTTPS_PROXY ?? env.https_proxy,
      noProxy: env.NO_PROXY ?? env.no_proxy,
      keepAliveTimeout: 4_000,
    });
    atEnd(async () => {
      const a = agent;
      agent = undefined;
      await a?.close().catch(() => {});
    });
  }
  return agent;
}
