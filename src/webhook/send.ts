import { UsageError } from '../errors.js';
import { GurusupClient } from '../api/client.js';
import { USER_AGENT } from '../version.js';
import { redactUserinfo } from '../output/redact.js';
import { checkUserinfo } from '../config/settings.js';
import { now } from '../runtime/clock.js';

export interface PostResult {
  status: number;
  text: string;
  ms: number;
}

export interface PostOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  /** The command's client (its --debug trace, proxy choice and Ctrl-C); else a plain one. */
  client?: GurusupClient;
  /** The flag that named the URL, for the hint of a network error. */
  flag?: string;
  /** Extra headers (verify sends a wrong key or none). */
  headers?: Record<string, string>;
}

/**
 * POSTs a JSON body to the user's own endpoint (trigger, replay, forward, verify, the sandbox's
 * webhooks) through the same client as every API call: same timeouts, errors and traces, and
 * never retried. The endpoint's status is returned as it is, not mapped to an error.
 */
export async function postEvent(
  url: string,
  body: string,
  apiKey: string | undefined,
  o: PostOptions = {},
): Promise<PostResult> {
  const timeoutMs = o.timeoutMs ?? 10_000;
  const client =
    o.client ?? new GurusupClient({ baseUrl: url, timeoutMs, userAgent: USER_AGENT, env: o.env, signal: o.signal });
  const started = now();
  const res = await client.request('POST', url, {
    rawBody: body,
    apiKey: apiKey ?? null,
    timeoutMs,
    headers: { 'content-type': 'application/json', ...o.headers },
    hint: endpointHint(url, o.flag),
  });
  return { status: res.status, text: res.text, ms: Math.round(now() - started) };
}

/** What to check when the user's own endpoint cannot be reached (its password hidden). */
export function endpointHint(url: string, flag = '--to'): string {
  return `check ${flag} ${redactUserinfo(url)}: is your endpoint running, and is the address right?`;
}

export function checkUrl(raw: string, flag: string): string {
  let u: URL | undefined;
  try {
    u = new URL(raw);
  } catch {
    // not a URL: said below, its userinfo hidden
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:'))
    throw new UsageError(`${flag} must be an http(s) URL, got ${JSON.stringify(redactUserinfo(raw))}`);
  checkUserinfo(u, `URL in ${flag}`, raw);
  return u.toString();
}
