import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../helpers/needs.js';
import { tempDir } from '../helpers/io.js';
import { HAS_SCRIPT, NO_SCRIPT, pty, screenLines, startPty, stripAnsi, width } from '../helpers/pty.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { SandboxStore } from '../../src/sandbox/store.js';
import { seedThreads } from '../../src/sandbox/seed.js';

// Every line the CLI writes for people on a terminal fits it: wrapped at word boundaries, never
// left for the terminal to break mid-word. Errors, hints, warnings, status and summary lines,
// prompts and start lines of each command, at 40 and 80 columns, on a real pseudo-terminal.
const KEY = 'gsk_test_narrow_0123456789abcdef';
let sandbox: Sandbox;
let yes: http.Server;
let receiver = '';
beforeAll(async () => {
  sandbox = await startSandbox({ host: '127.0.0.1', port: 0, apiKey: KEY, store: new SandboxStore(seedThreads()) });
  yes = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((r) => yes.listen(0, '127.0.0.1', r));
  receiver = `http://127.0.0.1:${(yes.address() as { port: number }).port}`;
});
afterAll(async () => {
  yes.closeAllConnections();
  await new Promise((r) => yes.close(r));
  await sandbox.close();
});

const env = () => ({
  GURUSUP_CONFIG_DIR: tempDir(),
  GURUSUP_API_KEY: KEY,
  GURUSUP_BASE_URL: sandbox.url,
  // Spinners redraw with \r; their frames are not lines of text.
  NO_COLOR: '1',
});

/** The screen's lines: a spinner redraws from column 1 (ESC [1G), as a carriage return does. */
const lines = (out: string) => screenLines(out.replace(/\u001b\[1G/g, '\r'));

/** Lines longer than the terminal: the terminal would break them wherever the column ends. */
function overflowing(out: string, cols: number): string[] {
  return lines(out).filter((l) => width(l) > cols);
}

/** Every word of `text` (split on spaces) is whole somewhere in `out`: none was cut in two. */
function wordsWhole(out: string, text: string): void {
  const shown = lines(out).join(' ').split(/\s+/);
  for (const w of text.split(/\s+/)) if (w.length <= 30) expect(shown, `word "${w}"`).toContain(w);
}

const suite = (dir: string) => {
  const file = path.join(dir, 'suite.yaml');
  fs.writeFileSync(
    file,
    'name: narrow\ncases:\n  - name: a refund question that needs a long enough name to wrap\n    turns:\n      - send: "I want a refund"\n        expect:\n          - icontains: "this text is never in a reply"\n',
  );
  return file;
};

/** Runs `jobs` at most `n` at a time: each pty mostly waits on its child. */
async function pool<T>(jobs: Array<() => Promise<T>>, n = 4): Promise<T[]> {
  const results: T[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      results[i] = await jobs[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, jobs.length) }, worker));
  return results;
}

interface Run {
  args: string[];
  env?: Record<string, string | undefined>;
  /** What must be on the screen (the line under test was written). */
  shows: RegExp;
  /** For a command that keeps running: it is stopped with SIGTERM once `shows` is seen. */
  running?: true;
  /** Lines that are data on stdout (JSON): never wrapped, a copy of them would change them. */
  data?: RegExp;
  /** Set up before the run (files it reads). */
  before?: (dir: string) => void;
}

/**
 * One run of every command that writes a line for people (error, hint, warning, prompt, status,
 * summary, start line, reply), as each would meet a user.
 */
const everyCommand = (dir: string): Run[] => [
  // auth
  { args: ['auth', 'login'], env: { GURUSUP_API_KEY: undefined }, shows: /API key: /, running: true },
  { args: ['auth', 'login', '--no-input'], env: { GURUSUP_API_KEY: undefined }, shows: /hint:/ },
  { args: ['auth', 'status'], shows: /Key check/ },
  { args: ['auth', 'logout'], shows: /warning:/ },
  { args: ['auth', 'switch', 'a-profile-that-is-not-there'], shows: /hint:/ },
  { args: ['auth', 'key'], env: { GURUSUP_API_KEY: '' }, shows: /hint:/ },
  // threads
  { args: ['threads', 'list', '--since', 'yesterday-ish'], shows: /error:/ },
  { args: ['threads', 'list', '--bogus-option'], shows: /hint:/ },
  { args: ['threads', 'list'], env: { GURUSUP_API_KEY: '' }, shows: /hint:/ },
  { args: ['threads', 'show', 'no-such-thread-with-a-longer-name'], shows: /error:/ },
  { args: ['threads', 'show', '0123456789abcdef0123456789abcdef'], shows: /error:/ },
  { args: ['threads', 'show', 'order-1042'], shows: /business days/ },
  { args: ['threads', 'show', 'order-1042', '--follow'], shows: /Ctrl-C to stop/, running: true },
  { args: ['threads', 'export', '--out', path.join(dir, 'no/such/dir/threads.ndjson')], shows: /error:/ },
  { args: ['threads', 'export', '--out', path.join(dir, 'threads.ndjson')], shows: /Exported \d+ threads/ },
  // messages
  { args: ['messages', 'send', '--thread', 't'], shows: /error:/ },
  {
    args: [
      'messages',
      'send',
      '--thread',
      'a-thread-with-a-long-name',
      '--user',
      'cust-anna',
      '--body',
      'I want a refund',
    ],
    shows: /business days/,
  },
  { args: ['messages', 'get', 'a-message-id-that-is-not-there'], shows: /error:/ },
  // webhook
  { args: ['webhook', 'listen', '--port', '0'], shows: /Ctrl-C to stop/, running: true },
  { args: ['webhook', 'listen', '--port', '0', '--inspect', '0'], shows: /Inspector on/, running: true },
  { args: ['webhook', 'trigger', '--to', 'http://127.0.0.1:9/hooks'], shows: /hint:/ },
  {
    args: ['webhook', 'replay', path.join(dir, 'recorded.ndjson'), '--to', 'http://127.0.0.1:9/a-longer-receiver-path'],
    before: (d) => fs.writeFileSync(path.join(d, 'recorded.ndjson'), '{}\n'),
    shows: /hint:/,
  },
  { args: ['webhook', 'verify', 'http://127.0.0.1:9/a-receiver-that-is-not-there'], shows: /hint:/ },
  // A receiver that says 200 to everything: probes fail, with what and why, then the summary.
  { args: ['webhook', 'verify', `${receiver}/a-receiver-that-accepts-anything`], shows: /probes passed/ },
  // the others
  { args: ['sandbox', '--port', '0', '--api-key', KEY], shows: /Use it:/, running: true },
  { args: ['chat', '--user', 'a-customer-with-a-long-user-name'], shows: /you › /, running: true },
  { args: ['api', '/no/such/path/on/this/server'], shows: /error:/, data: /^\s*[{}"]/ },
  { args: ['completion', 'tcsh'], shows: /hint:/ },
  { args: ['eval', path.join(dir, 'suite.yaml')], before: (d) => suite(d), shows: /passed|failed/ },
  { args: ['eval', path.join(dir, 'no-such-suite.yaml')], shows: /hint:/ },
  {
    args: ['eval', 'init', path.join(dir, 'existing.yaml')],
    before: (d) => fs.writeFileSync(path.join(d, 'existing.yaml'), ''),
    shows: /hint:/,
  },
  { args: ['mcp'], shows: /Ctrl-C or Ctrl-D stops it/, running: true },
  { args: ['help', 'a-topic-that-is-not-there'], shows: /hint:/ },
  { args: ['a-command-that-is-not-there'], shows: /hint:/ },
];

async function runOnPty(r: Run, cols: number, dir: string): Promise<string> {
  r.before?.(dir);
  const e = { ...env(), ...r.env };
  if (!r.running) {
    const res = await pty(r.args, { cols, env: e });
    expect(stripAnsi(res.out), `${r.args.join(' ')} at ${cols}:\n${res.out}`).toMatch(r.shows);
    return res.out;
  }
  const p = startPty(r.args, { cols, env: e });
  await p.waitFor(r.shows);
  p.child.kill('SIGTERM');
  return (await p.done).out;
}

/** The lines of every run wider than `cols` (data lines aside), each named by its command. */
async function overflowAt(cols: number, make: (dir: string) => Run[]): Promise<string[]> {
  const dir = tempDir();
  const runs = make(dir);
  const outs = await pool(runs.map((r) => () => runOnPty(r, cols, dir)));
  return runs.flatMap((r, i) =>
    overflowing(outs[i]!, cols)
      .filter((l) => !r.data?.test(l))
      .map((l) => `${r.args.join(' ')}: ${l}`),
  );
}

describe('lines for people fit a narrow terminal', () => {
  beforeAll(() => needs(!HAS_SCRIPT && NO_SCRIPT));

  it('40 columns: every command, its errors, hints, warnings, prompts, status, summary and start lines', async () => {
    expect(await overflowAt(40, everyCommand)).toEqual([]);
  });

  it('80 columns: the lines that can reach it', async () => {
    const long = (r: Run) =>
      /^(auth|eval|webhook|sandbox|chat|threads|messages)$/.test(r.args[0]!) && !r.args.includes('show');
    expect(await overflowAt(80, (dir) => everyCommand(dir).filter(long))).toEqual([]);
  });

  // The one network failure (it waits out the retries): fitted, and each word kept whole.
  it('a long error at 40 columns keeps each word whole, continuation under the text', async () => {
    const r = await pty(['threads', 'list'], { cols: 40, env: { ...env(), GURUSUP_BASE_URL: 'http://127.0.0.1:9' } });
    expect(overflowing(r.out, 40)).toEqual([]);
    const shown = lines(r.out).filter((l) => l.trim());
    const err = shown.findIndex((l) => l.startsWith('error: '));
    expect(shown[err + 1]).toMatch(/^ {7}\S/);
    wordsWhole(r.out, 'error: cannot connect to 127.0.0.1:9: connection refused');
    wordsWhole(r.out, 'hint: check --base-url (or GURUSUP_BASE_URL) and your network connection');
  });
});
