import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../helpers/needs.js';
import { tempDir } from '../helpers/io.js';
import { cli } from '../helpers/cli.js';
import { post } from '../helpers/http.js';
import { HAS_SCRIPT, NO_SCRIPT, pty, screenLines, startPty, stripAnsi, width } from '../helpers/pty.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { SandboxStore } from '../../src/sandbox/store.js';
import { seedThreads } from '../../src/sandbox/seed.js';
import path from 'node:path';

// Terminal items of issue 24, on a real pseudo-terminal.
const KEY = 'gsk_test_firstfive_term_0123456789';
const LONG_FID = 'order-2026-11-25-customer-support-escalation-0042-retry';
const messages = Array.from({ length: 30 }, (_, i) => ({
  _id: `m${i}`,
  body: `message number ${i}`,
  user_fid: i % 2 ? 'gurusup-ai' : 'cust-1',
  created_at: '2024-05-01T10:00:00Z',
}));
let api: TestServer;
let slow: Sandbox;

beforeAll(async () => {
  api = await startServer((req, res) => {
    if (req.headers['x-api-key'] !== KEY) return sendJson(res, 401, { message: 'Unauthorized' });
    if (req.path === '/threads')
      return sendJson(res, 200, [
        { thread_fid: LONG_FID, subject: 'A subject that is long enough to be cut', user_fid: 'cust-1' },
        { thread_fid: 'short-1', subject: 'Short', user_fid: 'cust-2' },
      ]);
    return sendJson(res, 200, { thread_fid: 'long-1', user_fid: 'cust-1', messages });
  });
});
afterAll(async () => {
  await api.close();
  await slow?.close();
});

const env = (extra: Record<string, string> = {}) => ({
  GURUSUP_API_KEY: KEY,
  GURUSUP_BASE_URL: api.url,
  GURUSUP_CONFIG_DIR: tempDir(),
  ...extra,
});
const PAGER = `sed 's/^/PAGED|/'`;

describe(`on a terminal (${NO_SCRIPT})`, () => {
  beforeAll(() => needs(!HAS_SCRIPT && NO_SCRIPT));
  it('threads list never cuts or drops the thread_fid, even at 40 columns', async () => {
    for (const cols of [80, 40]) {
      const r = await pty(['threads', 'list'], { cols, env: env() });
      expect(r.code).toBe(0);
      const rows = screenLines(r.out).filter((l) => l.trim());
      expect(rows[0]).toMatch(/^THREAD_FID/);
      expect(rows.some((l) => l.startsWith(`${LONG_FID}  `) || l === LONG_FID)).toBe(true);
      expect(rows.join('\n')).not.toMatch(/order-2026-11-25[^\s]*…/);
    }
  });

  it('a long threads show goes through the pager (GURUSUP_PAGER); --no-pager and pipes never', async () => {
    const paged = await pty(['threads', 'show', 'long-1'], { cols: 80, rows: 20, env: env({ GURUSUP_PAGER: PAGER }) });
    expect(paged.code).toBe(0);
    const body = stripAnsi(paged.out)
      .split('\n')
      .filter((l) => l.trim());
    expect(body.length).toBeGreaterThan(60);
    for (const l of body) expect(l).toMatch(/^PAGED\|/);
    const off = await pty(['threads', 'show', 'long-1', '--no-pager'], {
      cols: 80,
      rows: 20,
      env: env({ GURUSUP_PAGER: PAGER }),
    });
    expect(off.out).not.toContain('PAGED|');
    expect(off.out).toContain('message number 29');
    const tall = await pty(['threads', 'show', 'long-1'], { cols: 80, rows: 200, env: env({ GURUSUP_PAGER: PAGER }) });
    expect(tall.out).not.toContain('PAGED|');
    const piped = await cli(['threads', 'show', 'long-1'], { env: env({ GURUSUP_PAGER: PAGER }) });
    expect(piped.stdout).not.toContain('PAGED|');
    expect(piped.stdout.trimEnd().split('\n')).toHaveLength(30);
  });

  it('the listener shows at most 12 lines of a body, then how many more; --json keeps it whole', async () => {
    const body = Array.from({ length: 40 }, (_, i) => `line ${i + 1} of a long body`).join('\n');
    const event = JSON.stringify({ event: 'send_message', data: { thread_fid: 't-1', user_fid: 'u-1', body } });
    const l = startPty(['webhook', 'listen', '--port', '0', '--count', '1'], { cols: 80, env: env() });
    const url = (await l.waitFor(/Listening on (http:\/\/\S+)/))[1]!;
    expect((await post(url, event, { 'x-api-key': KEY })).status).toBe(200);
    const r = await l.done;
    expect(r.code).toBe(0);
    const shown = stripAnsi(r.out);
    expect(shown).toContain('line 12 of a long body');
    expect(shown).not.toContain('line 13 of a long body');
    expect(shown).toContain('… 28 more lines (--json for all)');
    for (const row of screenLines(r.out)) expect(width(row)).toBeLessThanOrEqual(80);

    const j = startPty(['webhook', 'listen', '--port', '0', '--count', '1', '--json'], { cols: 80, env: env() });
    const jurl = (await j.waitFor(/Listening on (http:\/\/\S+)/))[1]!;
    expect((await post(jurl, event, { 'x-api-key': KEY })).status).toBe(200);
    expect(stripAnsi((await j.done).out)).toContain('line 40 of a long body');
  });

  it('eval shows its progress between case lines on a terminal, and clears it', async () => {
    slow = await startSandbox({
      host: '127.0.0.1',
      port: 0,
      apiKey: KEY,
      store: new SandboxStore(seedThreads()),
      latencyMs: 400,
    });
    const suite = path.resolve(__dirname, '../../examples/support.eval.yaml');
    const r = await pty(['eval', suite, '--concurrency', '1'], {
      cols: 80,
      env: { GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: slow.url, GURUSUP_CONFIG_DIR: tempDir() },
      timeoutMs: 30_000,
    });
    expect(r.code).toBe(0);
    const text = stripAnsi(r.out);
    expect(text).toContain('0 of 4 cases done');
    expect(text).toContain('3 of 4 cases done');
    // What stays on the screen: the case lines and the summary, no spinner left over.
    // ora returns to column 1 (CSI 1G) and erases the line before each redraw, as \r does.
    const screen = screenLines(r.out.replace(/\u001b\[1G/g, '\r')).filter((l) => l.trim());
    expect(screen.filter((l) => l.includes('cases done'))).toEqual([]);
    expect(screen.filter((l) => l.startsWith('✓'))).toHaveLength(4);
  });

  it("Ctrl-C: the listener's summary starts on its own line, not after the echoed ^C", async () => {
    const l = startPty(['webhook', 'listen', '--port', '0'], { cols: 80, env: env() });
    await l.waitFor(/Listening on/);
    l.child.stdin!.write('\u0003');
    const r = await l.done;
    const text = stripAnsi(r.out);
    expect(text).toMatch(/\nStopped: 0 accepted, 0 rejected/);
    expect(text).not.toContain('^CStopped');
  });

  it('the export progress bar is cleared when it finishes: the summary line takes its place', async () => {
    const out = path.join(tempDir(), 'threads.ndjson');
    const r = await pty(['threads', 'export', '--out', out], { cols: 80, env: env() });
    expect(r.code).toBe(0);
    expect(stripAnsi(r.out)).toContain('Exporting');
    const screen = screenLines(r.out).filter((l) => l.trim());
    expect(screen.filter((l) => l.includes('Exporting'))).toEqual([]);
    expect(screen.at(-1)).toMatch(/^Exported 2 threads/);
  });
});
