import { randomBytes } from 'node:crypto';
import { bodySummary, CliError, InterruptedError, isCertificateError, NetworkError, statusLine } from '../errors.js';
import { postEvent, type PostResult } from './send.js';
import { sampleEvent as sample } from './sample.js';
import type { GurusupClient } from '../api/client.js';
import { redactUserinfo } from '../output/redact.js';

/** `webhook verify`: a contract test for the user's own receiver of send-message events. */

export interface Probe {
  /** Stable name, for --json and TSV. */
  id: string;
  /** What is sent, for the checklist. */
  title: string;
  /** What passes. */
  expect: string;
  /** One line on what a failure costs. */
  why: string;
  pass(status: number): boolean;
  /** The body and key to send; `key` is the resolved key. */
  request(key: string, shared: { event: string }): { body: string; key: string | undefined };
}

export interface ProbeResult {
  probe: string;
  pass: boolean;
  status: number | null;
  latency_ms: number | null;
  detail: string;
}

const ok2xx = (s: number) => s >= 200 && s < 300;
const authRejected = (s: number) => s === 401 || s === 403;

/** The event every probe sends, on a thread of its own. */
function sampleEvent(body: string): Record<string, unknown> {
  return sample({ body, thread: 'gurusup-verify', user: 'gurusup-verify' });
}

/** Emoji (with a ZWJ sequence), Arabic and Hebrew, padded to exactly 10,000 characters. */
export function hardBody(): string {
  const start = 'Hola 👋 👩‍👩‍👧 ¡gracias! — مرحبا بك في المتجر — שלום עולם — 你好 ';
  let s = start;
  while (s.length < 10_000) s += 'Lorem ipsum dolor sit amet, ñandú café 🎉 مرحبا ';
  return s.slice(0, 10_000).replace(/[\ud800-\udbff]$/, 'x');
}

export const PROBES: Probe[] = [
  {
    id: 'valid-event',
    title: 'a valid send-message event',
    expect: '2xx',
    why: 'Gurusup delivers every reply this way: a receiver that refuses it never gets your customers their answers',
    pass: ok2xx,
    request: (key, shared) => ({ body: shared.event, key }),
  },
  {
    id: 'duplicate',
    title: 'the same event again (a duplicate delivery)',
    expect: '2xx',
    why: 'deliveries are retried after a timeout, so duplicates happen: rejecting one makes the sender retry it again and again',
    pass: ok2xx,
    request: (key, shared) => ({ body: shared.event, key }),
  },
  {
    id: 'wrong-key',
    title: 'a wrong x-api-key',
    expect: '401 or 403',
    why: 'a receiver that accepts a wrong key lets anyone post messages to your customers',
    pass: authRejected,
    request: () => ({
      body: JSON.stringify(sampleEvent('This event carries a wrong key and must be refused.')),
      key: `gsk_wrong_${randomBytes(12).toString('hex')}`,
    }),
  },
  {
    id: 'missing-key',
    title: 'no x-api-key',
    expect: '401 or 403',
    why: 'a receiver that accepts events without a key lets anyone on the internet post messages to your customers',
    pass: authRejected,
    request: () => ({
      body: JSON.stringify(sampleEvent('This event carries no key and must be refused.')),
      key: undefined,
    }),
  },
  {
    id: 'unicode-10k',
    title: 'a body with emoji, right-to-left text and 10,000 characters',
    expect: '2xx',
    why: "real messages carry emoji, Arabic or Hebrew and long text: a receiver that refuses them loses those customers' messages",
    pass: ok2xx,
    request: (key) => ({ body: JSON.stringify(sampleEvent(hardBody())), key }),
  },
  {
    id: 'not-json',
    title: 'a body that is not JSON',
    expect: '4xx',
    why: 'a receiver that accepts (2xx) or crashes on (5xx) a broken body will store garbage or fall over on the first malformed request',
    pass: (s) => s >= 400 && s < 500,
    request: (key) => ({ body: '{"event": "send_message", "data": {"body": "cut off', key }),
  },
];

/** A reset on a reused keep-alive socket, before any byte of an answer. */
function staleSocket(err: unknown): boolean {
  return (
    err instanceof NetworkError &&
    (err.cause as { reusedSocket?: boolean } | undefined)?.reusedSocket === true &&
    (err.code === 'ECONNRESET' || err.code === 'EPIPE')
  );
}

export type Post = (
  url: string,
  body: string,
  key: string | undefined,
  o: { timeoutMs: number; signal?: AbortSignal; client?: GurusupClient },
) => Promise<PostResult>;

/**
 * Sends every probe in order (the duplicate follows the valid event) and grades each answer.
 * Throws a network error (exit 5) when the first probe gets no answer at all.
 */
export async function runProbes(
  url: string,
  key: string,
  o: {
    timeoutMs: number;
    signal?: AbortSignal;
    client?: GurusupClient;
    post?: Post;
    onResult?: (r: ProbeResult, p: Probe, what: string) => void;
  },
): Promise<ProbeResult[]> {
  const post: Post = o.post ?? ((u, b, k, opts) => postEvent(u, b, k, { ...opts, flag: 'the URL' }));
  const shared = { event: JSON.stringify(sampleEvent('Hello from gurusup webhook verify: this is a test event.')) };
  const results: ProbeResult[] = [];
  const shown = redactUserinfo(url);
  const clean = (s: string) => (shown === url ? s : s.split(url).join(shown));
  for (const p of PROBES) {
    const { body, key: k } = p.request(key, shared);
    let r: ProbeResult;
    let what: string;
    try {
      const send = () => post(url, body, k, { timeoutMs: o.timeoutMs, signal: o.signal, client: o.client });
      // A receiver may close a kept-alive connection without `connection: close`: a probe sent on
      // it dies before any answer. Once, on a fresh connection, it is asked again.
      const res = await send().catch((err: unknown) => (staleSocket(err) ? send() : Promise.reject(err)));
      const pass = p.pass(res.status);
      const said = bodySummary(res.text, 80);
      what = pass
        ? `answered ${statusLine(res.status)}`
        : `expected ${p.expect}, got ${statusLine(res.status)}${said ? ` (${said})` : ''}`;
      r = { probe: p.id, pass, status: res.status, latency_ms: res.ms, detail: pass ? what : `${what}: ${p.why}` };
    } catch (err) {
      if (o.signal?.aborted || err instanceof InterruptedError) throw err;
      // An answer cut off, or too large: the receiver was reached and this probe failed; the others still run.
      if (!(err instanceof NetworkError) && err instanceof CliError) {
        what = clean(`expected ${p.expect}, got a broken answer: ${err.message}`);
        r = { probe: p.id, pass: false, status: err.status ?? null, latency_ms: null, detail: `${what}: ${p.why}` };
        results.push(r);
        o.onResult?.(r, p, what);
        continue;
      }
      if (!(err instanceof NetworkError)) throw err;
      // No answer to the very first probe: the URL cannot be reached at all (exit 5), and
      // waiting out five more timeouts would tell the user nothing new.
      if (results.length === 0) {
        throw new NetworkError(clean(`no answer from ${url}: ${err.message}`), {
          code: err.code,
          hint: isCertificateError(err) ? err.hint : 'is your receiver running? Check the URL, host and port',
        });
      }
      what = clean(`expected ${p.expect}, got no answer: ${err.message}`);
      r = { probe: p.id, pass: false, status: null, latency_ms: null, detail: `${what}: ${p.why}` };
    }
    results.push(r);
    o.onResult?.(r, p, what);
  }
  return results;
}
