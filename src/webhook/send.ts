import { networkError, NetworkError, UsageError } from '../errors.js';
import { send } from '../api/transport.js';
import { USER_AGENT } from '../version.js';

export interface PostResult {
  status: number;
  text: string;
  ms: number;
}

/** POSTs a JSON body to the user's own endpoint (trigger, replay, forward, sandbox webhooks). */
export async function postEvent(
  url: string,
  body: string,
  apiKey: string | undefined,
  o: { timeoutMs?: number; signal?: AbortSignal; env?: NodeJS.ProcessEnv } = {},
): Promise<PostResult> {
  const started = performance.now();
  const timeoutMs = o.timeoutMs ?? 10_000;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': USER_AGENT };
  if (apiKey) headers['x-api-key'] = apiKey;
  try {
    const res = await send({ method: 'POST', url, headers, body, signal, env: o.env ?? process.env });
    return { status: res.status, text: res.text, ms: Math.round(performance.now() - started) };
  } catch (err) {
    if (timeout.aborted) throw new NetworkError(`no answer from ${url} within ${timeoutMs / 1000}s`, { code: 'TIMEOUT' });
    if (o.signal?.aborted) throw err;
    throw networkError(err, new URL(url).host);
  }
}
export function checkUrl(raw: string, flag: string): string {
  try {
    const u = new URL(raw);
    if (u.protocol === 'http:' || u.protocol === 'https:') return u.toString();
  } catch {
    // fall through
  }
  throw new UsageError(`${flag} must be an http(s) URL, got ${JSON.stringify(raw)}`);
}
