import { checkUserinfo } from '../config/settings.js';
/**
 * The one module that reads the proxy variables. Lower case first, as curl and undici do;
 * an https URL falls back to the http proxy, as undici's EnvHttpProxyAgent does.
 */
export interface ProxyEnv {
  http?: string;
  https?: string;
  noProxy: Array<{ host: string; port?: string }>;
  noProxyAll: boolean;
}

function pick(env: NodeJS.ProcessEnv, lower: string, upper: string): string | undefined {
  const name = env[lower] !== undefined ? lower : upper;
  const v = env[name]?.trim();
  if (!v) return undefined;
  // undici decodes the proxy's user:password for Proxy-Authorization: a bad escape would surface
  // as a network error ("URI malformed") on the first request.
  let u: URL | undefined;
  try {
    u = new URL(v.includes('://') ? v : `http://${v}`);
  } catch {
    // an unparsable proxy is reported where it is used, as before
  }
  if (u) checkUserinfo(u, `proxy URL in ${name}`, v);
  return v;
}

export function readProxyEnv(env: NodeJS.ProcessEnv): ProxyEnv {
  const raw = pick(env, 'no_proxy', 'NO_PROXY') ?? '';
  const noProxy: ProxyEnv['noProxy'] = [];
  for (const entry of raw.split(/[,\s]+/)) {
    if (!entry || entry === '*') continue;
    const m = /^(?:\*?\.)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry.toLowerCase());
    if (m) noProxy.push({ host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2] });
  }
  return {
    http: pick(env, 'http_proxy', 'HTTP_PROXY'),
    https: pick(env, 'https_proxy', 'HTTPS_PROXY'),
    noProxy,
    noProxyAll: raw.trim() === '*',
  };
}

/** The proxy URL that applies to `url`, or undefined when it goes direct (no proxy, or NO_PROXY). */
export function proxyFor(url: URL, p: ProxyEnv): string | undefined {
  const proxy = url.protocol === 'https:' ? (p.https ?? p.http) : p.http;
  if (!proxy || p.noProxyAll) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  for (const e of p.noProxy) {
    if (e.port && e.port !== port) continue;
    if (host === e.host || host.endsWith(`.${e.host}`)) return undefined;
  }
  return proxy;
}

/** Any proxy configured at all (for error messages). */
export function anyProxy(p: ProxyEnv): string | undefined {
  return p.https ?? p.http;
}
