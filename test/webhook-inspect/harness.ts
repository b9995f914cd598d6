import http from 'node:http';
import { startCli, waitForStderr } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';
import { post, type Reply } from '../helpers/http.js';

export const KEY = 'gsk_test_inspect_0123456789abcdef';

export interface Inspecting {
  child: ReturnType<typeof startCli>;
  listenUrl: string;
  url: string;
  port: number;
  /** Ctrl-C, and the run's result. */
  stop(): ReturnType<typeof startCli>['done'];
}

const running = new Set<ReturnType<typeof startCli>>();

/** Kills what a test left running (afterEach). */
export function killAll(): void {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  running.clear();
}

/** The built CLI: `webhook listen --port 0 --inspect 0 …args`. */
export async function startInspecting(args: string[] = [], env: Record<string, string> = {}): Promise<Inspecting> {
  const child = startCli(['webhook', 'listen', '--port', '0', '--inspect', '0', ...args], {
    env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, ...env },
  });
  running.add(child);
  const [, listenUrl] = await waitForStderr(child, /Listening on (http:\/\/\S+)/);
  const [, url, port] = await waitForStderr(child, /Inspector on (http:\/\/127\.0\.0\.1:(\d+)\/)/);
  return {
    child,
    listenUrl: listenUrl!,
    url: url!,
    port: Number(port),
    stop: () => {
      child.kill('SIGINT');
      return child.done;
    },
  };
}

/** POSTs an event to the listener with the key; resolves with the listener's answer. */
export function sendEvent(listenUrl: string, body: string, headers: Record<string, string> = {}): Promise<Reply> {
  return post(listenUrl, body, { 'x-api-key': KEY, ...headers });
}

export interface Ask {
  method?: string;
  /** The Host header; null sends none. Default 127.0.0.1:<port>. */
  host?: string | null;
  headers?: Record<string, string>;
  body?: string;
}

/** A request to the inspector, with the Host header under the test's control. */
export function ask(port: number, path: string, o: Ask = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...o.headers };
    if (o.host !== null) headers.host = o.host ?? `127.0.0.1:${port}`;
    const req = http.request(
      { host: '127.0.0.1', port, path, method: o.method ?? 'GET', headers, setHost: false, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), headers: res.headers }),
        );
      },
    );
    req.on('error', reject);
    req.end(o.body);
  });
}

export async function events(port: number): Promise<Array<Record<string, unknown>>> {
  const r = await ask(port, '/api/events');
  if (r.status !== 200) throw new Error(`GET /api/events: ${r.status} ${r.body}`);
  return JSON.parse(r.body) as Array<Record<string, unknown>>;
}

/** Polls until `probe` gives a value; fails (with `what`) when it never does. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 5_000,
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** An open /api/stream: the messages seen so far, as {event, data}. */
export function openStream(port: number): Promise<{ messages: Array<{ event: string; data: string }>; close(): void }> {
  return new Promise((resolve, reject) => {
    const messages: Array<{ event: string; data: string }> = [];
    const req = http.get({ host: '127.0.0.1', port, path: '/api/stream', agent: false }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`stream: ${res.statusCode}`));
      let buf = '';
      res.setEncoding('utf8').on('data', (d: string) => {
        buf += d;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event && data !== undefined) messages.push({ event, data });
        }
      });
      res.on('error', () => {});
      resolve({ messages, close: () => req.destroy() });
    });
    req.on('error', reject);
  });
}
