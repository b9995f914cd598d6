import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/io.js';
import { HAS_SCRIPT, NO_SCRIPT, SPINNER_FRAMES, pty, screenLines, startPty, stripAnsi, width } from '../helpers/pty.js';
import { post } from '../helpers/http.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { SandboxStore } from '../../src/sandbox/store.js';
import { seedThreads } from '../../src/sandbox/seed.js';
import { needs } from '../helpers/needs.js';
import { threadHash } from '../../src/api/hash.js';
import http from 'node:http';

// The built CLI on a real pseudo-terminal of a set size, against the sandbox (fast, and slow enough
// for a spinner) and a server whose threads carry emoji, CJK and combining marks.
const KEY = 'gsk_test_terminal_0123456789abcdef';
let sandbox: Sandbox;
let slow: Sandbox;
let medium: Sandbox;
let wide: TestServer;

const WIDE_THREADS = [
  {
    thread_fid: 'emoji-1',
    subject: '✅ ☕ 🚀 shipped',
    user_fid: 'cust-😀',
    message_count: 12,
    updated_at: '2024-05-02T09:20:42.000Z',
  },
  {
    thread_fid: 'family-2',
    subject: '👨‍👩‍👧 family plan 👍🏽',
    user_fid: 'cust-b',
    message_count: 3,
    updated_at: '2024-05-03T09:20:42.000Z',
  },
  {
    thread_fid: 'cjk-3',
    subject: '日本語の件名がとても長いスレッドです',
    user_fid: '山田',
    message_count: 100,
    updated_at: '2024-05-04T09:20:42.000Z',
  },
  {
    thread_fid: 'thai-4',
    subject: 'กำลังส่ง नमस्ते é',
    user_fid: 'cust-d',
    message_count: 7,
    updated_at: '2024-05-05T09:20:42.000Z',
  },
];

beforeAll(async () => {
  sandbox = await startSandbox({
    host: '127.0.0.1',
    port: 0,
    apiKey: KEY,
    store: new SandboxStore(seedThreads(new Date('2024-05-04T13:30:00Z'))),
  });
  slow = await startSandbox({
    host: '127.0.0.1',
    port: 0,
    apiKey: KEY,
    store: new SandboxStore(seedThreads()),
    latencyMs: 700,
  });
  medium = await startSandbox({
    host: '127.0.0.1',
    port: 0,
    apiKey: KEY,
    store: new SandboxStore(seedThreads()),
    latencyMs: 150,
  });
  wide = await startServer((req, res) =>
    req.path === '/threads' ? sendJson(res, 200, WIDE_THREADS) : sendJson(res, 404, { message: 'no' }),
  );
});
afterAll(async () => {
  await sandbox.close();
  await slow.close();
  await medium.close();
  await wide.close();
});

const env = (url: string, extra: Record<string, string> = {}) => ({
  GURUSUP_API_KEY: KEY,
  GURUSUP_BASE_URL: url,
  GURUSUP_CONFIG_DIR: tempDir(),
  ...extra,
});

/** Lines of output that hold text (the pty may add an empty last line). */
const lines = (out: string) => screenLines(out).filter((l) => l.trim() !== '');

describe(`on a terminal (${NO_SCRIPT})`, () => {
  beforeAll(() => needs(!HAS_SCRIPT && NO_SCRIPT));
  it('threads list fits 80 and 40 columns: cut, then hash, updated, messages, user dropped; no row wraps', async () => {
    const at80 = await pty(['threads', 'list'], { cols: 80, env: env(sandbox.url) });
    expect(at80.code).toBe(0);
    const rows80 = lines(at80.out);
    for (const l of rows80) expect(width(l), l).toBeLessThanOrEqual(80);
    // Contract (issue 24): the hash is dropped before the time and the message count.
    expect(rows80[0]).toMatch(/^THREAD_FID\s+SUBJECT\s+USER\s+MESSAGES\s+UPDATED$/);
    expect(rows80.find((l) => l.startsWith('order-1042'))).toMatch(
      /^order-1042\s+Where is my parcel\?\s+cust-anna\s+4\s+2024-05-04 \d\d:\d\d$/,
    );
    expect(rows80).toHaveLength(6);

    const at40 = await pty(['threads', 'list'], { cols: 40, env: env(sandbox.url) });
    const rows40 = lines(at40.out);
    for (const l of rows40) expect(width(l), l).toBeLessThanOrEqual(40);
    expect(rows40[0]).toMatch(/^THREAD_FID\s+SUBJECT$/);
    expect(rows40.join('\n')).not.toContain(threadHash('order-1042'));
    expect(rows40).toHaveLength(6);

    // Wide enough: every column, the count right-aligned under its header.
    const at200 = await pty(['threads', 'list'], { cols: 200, env: env(sandbox.url) });
    const rows200 = lines(at200.out);
    expect(rows200[0]).toMatch(/^THREAD_FID\s+HASH\s+SUBJECT\s+USER\s+MESSAGES\s+UPDATED$/);
    const end = rows200[0]!.indexOf('MESSAGES') + 'MESSAGES'.length;
    for (const l of rows200.slice(1)) expect(l.slice(end - 1, end), l).toMatch(/\d/);
  });

  it('emoji, CJK and combining marks are measured as the terminal shows them: columns line up', async () => {
    /** Where each cell starts and ends, in display columns (cells are separated by 2+ spaces). */
    const cells = (row: string) =>
      [...row.matchAll(/\S+(?: \S+)*/g)].map((m) => ({
        start: width(row.slice(0, m.index)),
        end: width(row.slice(0, m.index + m[0].length)),
      }));
    for (const cols of [200, 80, 60, 40]) {
      const r = await pty(['threads', 'list'], { cols, env: env(wide.url) });
      const rows = lines(r.out);
      expect(rows).toHaveLength(5);
      for (const l of rows) expect(width(l), `${cols}: ${l}`).toBeLessThanOrEqual(cols);
      const header = rows[0]!.split(/ {2,}/);
      const layout = rows.map(cells);
      for (let k = 0; k < header.length; k++) {
        // Text columns start together; the MESSAGES numbers end together, under their header.
        const edge = header[k] === 'MESSAGES' ? 'end' : 'start';
        expect(new Set(layout.map((c) => c[k]?.[edge])).size, `${cols} ${header[k]}:\n${rows.join('\n')}`).toBe(1);
      }
      if (cols === 200) expect(header).toEqual(['THREAD_FID', 'HASH', 'SUBJECT', 'USER', 'MESSAGES', 'UPDATED']);
    }
  });

  it('NO_COLOR, --no-color and TERM=dumb: no colour anywhere, the spinner included', async () => {
    for (const extra of [{ NO_COLOR: '1' }, {}] as Array<Record<string, string>>) {
      const args = extra.NO_COLOR ? ['threads', 'list'] : ['threads', 'list', '--no-color'];
      const r = await pty(args, { cols: 80, env: env(slow.url, extra) });
      expect(r.code).toBe(0);
      // The wait passed 200 ms: the spinner was drawn, in no colour, and the table has no bold.
      expect(r.out).toMatch(SPINNER_FRAMES);
      expect(r.out).not.toMatch(/\u001b\[(?:\d+;)*(?:1|2|3\d|9\d)m/);
      expect(stripAnsi(r.out)).toContain('order-1042');
    }
    // With colour allowed, the same run does paint (so the test above can fail).
    const colour = await pty(['threads', 'list'], { cols: 80, env: env(slow.url) });
    expect(colour.out).toMatch(/\u001b\[36m[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/);
    expect(colour.out).toContain('\u001b[1mTHREAD_FID');
  });

  it('TERM=dumb or a width of 0: no spinner, no redraws, no escape codes', async () => {
    const dumb = await pty(['threads', 'list'], { cols: 80, env: env(slow.url, { TERM: 'dumb' }) });
    expect(dumb.code).toBe(0);
    expect(dumb.out).not.toMatch(SPINNER_FRAMES);
    expect(dumb.out).not.toContain('\u001b');
    expect(dumb.out).not.toContain('\r');
    expect(dumb.out).toContain('order-1042');
    const zero = await pty(['threads', 'list'], { cols: 0, rows: 0, env: env(slow.url) });
    expect(zero.code).toBe(0);
    expect(zero.out).not.toMatch(SPINNER_FRAMES);
    expect(zero.out).toContain('order-1042');
  });

  it('the export progress bar never exceeds the width, and is not drawn under TERM=dumb', async () => {
    for (const cols of [40, 80]) {
      const out = path.join(tempDir(), 'threads.ndjson');
      const r = await pty(['threads', 'export', '--out', out, '--concurrency', '1'], { cols, env: env(medium.url) });
      expect(r.code).toBe(0);
      expect(fs.readFileSync(out, 'utf8').trim().split('\n')).toHaveLength(5);
      const redraws = stripAnsi(r.out)
        .split(/[\r\n]/)
        .filter((s) => s.includes('Exporting'));
      expect(redraws.length, r.out).toBeGreaterThan(1);
      for (const s of redraws) expect(width(s), s).toBeLessThan(cols);
      expect(redraws.at(-1)).toContain('5/5');
    }
    const out = path.join(tempDir(), 'threads.ndjson');
    const dumb = await pty(['threads', 'export', '--out', out], { cols: 80, env: env(sandbox.url, { TERM: 'dumb' }) });
    expect(dumb.code).toBe(0);
    expect(dumb.out).not.toContain('\r');
    expect(dumb.out).not.toContain('[#');
  });

  it('transcripts wrap long bodies to the width, indented, with local relative-or-absolute times', async () => {
    const r = await pty(['threads', 'show', 'refund-778'], { cols: 40, env: env(sandbox.url) });
    expect(r.code).toBe(0);
    const rows = lines(r.out);
    for (const l of rows) expect(width(l), l).toBeLessThanOrEqual(40);
    expect(r.out).not.toContain('2024-05-03T');
    expect(stripAnsi(r.out)).toMatch(/agent \(agent-lucia\)\s+2024-05-03 \d\d:\d\d/);
    const body = rows.filter((l) => l.startsWith('  '));
    expect(body.length).toBeGreaterThan(4);
    expect(stripAnsi(r.out).replace(/\n {2}/g, ' ')).toContain(
      'Refunds go back to the original payment method within 5–7 business days once the return is received.',
    );
  });

  it('listener blocks wrap long bodies to the width; an event without a message is shown raw', async () => {
    const body = 'Refunds go back to the original payment method within 5–7 business days once the return is received.';
    const l = startPty(['webhook', 'listen', '--port', '0', '--count', '2'], { cols: 40, env: env(sandbox.url) });
    const url = (await l.waitFor(/Listening on (http:\/\/\S+)/))[1]!;
    expect(
      (
        await post(url, JSON.stringify({ event: 'send_message', data: { thread_fid: 't-1', user_fid: 'u-1', body } }), {
          'x-api-key': KEY,
        })
      ).status,
    ).toBe(200);
    expect(
      (await post(url, JSON.stringify({ event: 'ping', data: { thread_fid: 't-2' } }), { 'x-api-key': KEY })).status,
    ).toBe(200);
    const r = await l.done;
    expect(r.code).toBe(0);
    const rows = lines(r.out).filter((x) => !x.startsWith('Listening') && !x.startsWith('Stopped'));
    for (const x of rows) expect(width(x), x).toBeLessThanOrEqual(40);
    const text = stripAnsi(r.out);
    expect(text).toMatch(/^\d\d:\d\d:\d\d {2}send_message {2}thread t-1\n {2}user u-1$/m);
    expect(text.replace(/\n {2}/g, ' ')).toContain(body);
    expect(text).toMatch(/ping\n {2}\{\n {4}"event": "ping",/);
    expect(text).not.toMatch(/^ {2}null$/m);
  });

  it('help fits the terminal, shows inherited options and required markers, a blank line before Examples', async () => {
    for (const args of [
      ['webhook', 'trigger', '--help'],
      ['help', 'webhook', 'trigger'],
    ]) {
      const r = await pty(args, { cols: 40, env: env(sandbox.url) });
      expect(r.code).toBe(0);
      const rows = screenLines(r.out);
      for (const l of rows) if (!l.trimStart().startsWith('$ ')) expect(width(l), l).toBeLessThanOrEqual(40);
      const text = rows.join('\n');
      expect(text).toContain('Global Options:');
      expect(text).toMatch(/--profile <name>/);
      expect(text).toMatch(/your endpoint \(required\)/);
      expect(text).toContain('\n\nExamples:\n');
    }
  });

  it('usage and runtime errors share one style', async () => {
    const usage = await pty(['threds'], { cols: 80, env: env(sandbox.url) });
    const runtime = await pty(['threads', 'show', 'nope'], { cols: 80, env: env(sandbox.url) });
    expect(usage.code).toBe(2);
    expect(runtime.code).toBe(4);
    for (const r of [usage, runtime]) {
      expect(r.out).toMatch(/^\u001b\[31merror:\u001b\[39m /m);
      expect(r.out).toMatch(/^\u001b\[2mhint:\u001b\[22m /m);
    }
    expect(stripAnsi(usage.out)).toContain('hint: did you mean threads?');
  });
});

describe('webhook verify in colour', () => {
  // Review, on a real pseudo-terminal: webhook verify's status lines were painted, then escaped, so a
  // colour terminal showed "\x1b[2mVerifying …\x1b[22m" and "\x1b[31m0 of 6 probes passed\x1b[39m".

  const KEY = 'gsk_test_review_pty_0123456789ab';
  let receiver: http.Server;
  let url: string;

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.statusCode = req.headers['x-api-key'] === KEY ? 200 : 401;
        res.end('{}');
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
  });
  afterAll(() => receiver.close());

  describe('webhook verify on an 80-column colour terminal', () => {
    beforeAll(() => needs(!HAS_SCRIPT && NO_SCRIPT));
    it('its stderr lines are coloured, never the escape codes as text', async () => {
      const r = await pty(['webhook', 'verify', url], {
        cols: 80,
        env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY },
      });
      expect(r.code).toBe(1);
      expect(r.out).toContain('\u001b[2mVerifying');
      expect(r.out).toMatch(/\u001b\[31m\d of 6 probes passed/);
      expect(r.out).not.toMatch(/\\x1b\[\d+m/);
    });
  });
});
