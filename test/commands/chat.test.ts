import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { fakeIo, run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { main } from '../../src/cli.js';
import { threadHash } from '../../src/api/hash.js';
import { chatThreadFid } from '../../src/commands/chat-send.js';
import { formatReply } from '../../src/output/chat-reply.js';
import { waitUntil } from '../helpers/wait.js';
import { plainPaint } from '../../src/output/format.js';

const KEY = 'gsk_test_chat_0123456789abcdef';
let server: TestServer;
let env: Record<string, string>;
/** Bodies the server never answers (to test Ctrl-C while waiting). */
const HANG = 'please hang';
let failOn: string | undefined;
const THREAD_FID = 'order-77';
const HISTORY = Array.from({ length: 7 }, (_, i) => ({
  _id: `6500000000000000000000a${i}`,
  body: `old message ${i}`,
  user_fid: 'cust-1',
  is_customer_support_agent: false,
  created_at: `2026-11-20T10:0${i}:00Z`,
}));

/** The 'slow' reply goes out once this opens: after the spinner was seen, however loaded the machine. */
let slowGate: Promise<void> = Promise.resolve();

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.headers['x-api-key'] !== KEY) return sendJson(res, 401, { message: 'Unauthorized' });
    if (req.method === 'GET' && req.path === `/threads/${threadHash(THREAD_FID)}`)
      return sendJson(res, 200, { thread_fid: THREAD_FID, messages: HISTORY });
    if (req.method === 'GET') return sendJson(res, 404, { message: 'Not found' });
    const body = (req.json as { body: string }).body;
    if (body === HANG) return; // never answered
    if (failOn !== undefined && body === failOn) return sendJson(res, 500, { message: 'the AI fell over' });
    const m = req.json as Record<string, unknown>;
    if (body === 'slow') return void slowGate.then(() => sendJson(res, 201, { body: 'finally' }));
    if (body === 'hostile') return sendJson(res, 201, { body: 'bad \u001b]0;pwned\u0007 title \u009b31m' });
    return sendJson(res, 201, {
      _id: `r${server.requests.length}`,
      body: `Reply to: ${body}`,
      thread_fid: m.thread_fid,
      user_fid: 'gurusup-ai',
      role: 'assistant',
    });
  });
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url, FORCE_COLOR: '0' };
});
afterAll(() => server.close());
beforeEach(() => {
  server.requests.length = 0;
  failOn = undefined;
});

const posts = () => server.requests.filter((r) => r.method === 'POST').map((r) => r.json as Record<string, unknown>);

describe('chat helpers', () => {
  it('a new thread is chat-<user>-<yyyymmdd-hhmmss>', () => {
    expect(chatThreadFid('cust-9', new Date(2026, 10, 5, 7, 8, 9))).toBe('chat-cust-9-20261105-070809');
  });

  it('a reply is wrapped under its prefix, escaped, with its latency', () => {
    const text = formatReply('one two three four five six seven eight nine ten \u001b[31mred', 2.44, 30, plainPaint);
    expect(text).toBe(
      'gurusup › one two three four\n          five six seven eight\n          nine ten \\x1b[31mred\n          (2.4 s)\n',
    );
  });
});

describe('chat, not a terminal', () => {
  it('each stdin line is one message on a new chat thread; each reply body one line', async () => {
    const r = await run(['chat'], { env, stdin: 'Hello\n\nWhere is my parcel?\r\n' });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('Reply to: Hello\nReply to: Where is my parcel?\n');
    const sent = posts();
    expect(sent).toHaveLength(2);
    expect(sent[0]).toEqual({
      body: 'Hello',
      user_fid: 'gurusup-chat',
      thread_fid: expect.stringMatching(/^chat-gurusup-chat-\d{8}-\d{6}$/),
      is_customer_support_agent: false,
    });
    expect(sent[1]!.thread_fid).toBe(sent[0]!.thread_fid);
  });

  it('--json: the reply objects as NDJSON; --thread, --user, --lang, --agent are sent', async () => {
    const r = await run(['chat', '--json', '--thread', 't-1', '--user', 'u-1', '--lang', 'es', '--agent'], {
      env,
      stdin: 'Hola\n',
    });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual({
      _id: 'r1',
      body: 'Reply to: Hola',
      thread_fid: 't-1',
      user_fid: 'gurusup-ai',
      role: 'assistant',
    });
    expect(posts()).toEqual([
      { body: 'Hola', user_fid: 'u-1', thread_fid: 't-1', lang: 'es', is_customer_support_agent: true },
    ]);
  });

  it('a reply body with newlines stays on one line', async () => {
    const r = await run(['chat'], { env, stdin: 'a\\nb\n' });
    expect(r.stdout).toBe('Reply to: a\\\\nb\n');
  });

  it('the first failing send ends the run with its exit code; later lines are not sent', async () => {
    failOn = 'second';
    const r = await run(['chat'], { env, stdin: 'first\nsecond\nthird\n' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('Reply to: first\n');
    expect(r.stderr).toMatch(/^error: the API answered 500 Internal Server Error: the AI fell over/m);
    expect(posts().map((p) => p.body)).toEqual(['first', 'second']);
  });

  it('a wrong key is exit 3', async () => {
    const r = await run(['chat'], { env: { ...env, GURUSUP_API_KEY: 'gsk_wrong_key_000000000' }, stdin: 'hi\n' });
    expect(r.code).toBe(3);
  });
});

/** A terminal on stdin: what the user types is written into it. */
function startRepl(args: string[], extraEnv: Record<string, string> = {}) {
  const { io, stdout, stderr } = fakeIo({ env: { ...env, ...extraEnv }, tty: true });
  const input = new PassThrough() as PassThrough & { isTTY?: boolean; setRawMode?: (m: boolean) => void };
  const raw: boolean[] = [];
  input.isTTY = true;
  input.setRawMode = (m: boolean) => void raw.push(m);
  io.stdin = input;
  const done = main(['chat', ...args], io);
  // Readline's cursor movements are not what the user reads.
  const screen = () => stdout.text.replace(/\u001b\[\d*[GJKC]/g, '');
  const waitFor = (re: RegExp, what: () => string = screen) =>
    waitUntil(() => re.test(what()), { what: () => `${re}\nstdout: ${screen()}\nstderr: ${stderr.text}` });
  return { done, type: (s: string) => input.write(s), screen, stderr: () => stderr.text, raw, waitFor };
}

describe('chat on a terminal (fake TTY, in-process)', () => {
  it('prompt, replies with latency, continuation lines, /thread, /agent, Ctrl-D exits 0 and leaves raw mode', async () => {
    const t = startRepl(['--user', 'cust-5']);
    await t.waitFor(/you › $/);
    expect(t.stderr()).toMatch(/Chatting on thread chat-cust-5-\d{8}-\d{6} as cust-5/);
    t.type('hello\r');
    await t.waitFor(/gurusup › Reply to: hello  \(\d+\.\d s\)\n/);
    t.type('line one\\\rline two\r');
    await t.waitFor(/Reply to: line one\n\s+line two/);
    t.type('/thread\r');
    const fid = posts()[0]!.thread_fid as string;
    await t.waitFor(new RegExp(`${fid}  hash ${threadHash(fid)}`));
    t.type('/agent\r');
    await t.waitFor(/support agent/, t.stderr);
    t.type('as agent\r');
    await t.waitFor(/sent as a support agent/, t.stderr);
    t.type('\u0004');
    expect(await t.done).toBe(0);
    expect(posts().map((p) => [p.body, p.is_customer_support_agent, p.user_fid])).toEqual([
      ['hello', false, 'cust-5'],
      ['line one\nline two', false, 'cust-5'],
      ['as agent', true, 'cust-5'],
    ]);
    expect(t.raw[0]).toBe(true);
    expect(t.raw[t.raw.length - 1]).toBe(false);
  });

  it('Ctrl-C while waiting stops waiting, says the message may have been created, and returns to the prompt', async () => {
    const t = startRepl([]);
    await t.waitFor(/you › $/);
    t.type(`${HANG}\r`);
    await waitUntil(() => posts().length >= 1, { what: 'the message to reach the API' });
    t.type('\u0003');
    await t.waitFor(/stopped waiting: the message may have been created/, t.stderr);
    t.type('still here?\r');
    await t.waitFor(/Reply to: still here\?/);
    // Ctrl-C at an empty prompt leaves, exit 0.
    t.type('\u0003');
    expect(await t.done).toBe(0);
    expect(t.raw[t.raw.length - 1]).toBe(false);
  });

  it('a slow reply shows a spinner on stderr while waiting', async () => {
    let open!: () => void;
    slowGate = new Promise((r) => (open = r));
    const t = startRepl([]);
    await t.waitFor(/you › $/);
    t.type('slow\r');
    await t.waitFor(/Waiting for the reply/, t.stderr);
    open();
    await t.waitFor(/gurusup › finally/);
    t.type('/exit\r');
    expect(await t.done).toBe(0);
  });

  it('a key the API refuses ends the session with exit 3 at start, the terminal out of raw mode', async () => {
    // Checked at start (issue 24), not at the first message: nothing typed is needed.
    const t = startRepl([], { GURUSUP_API_KEY: 'gsk_wrong_key_000000000' });
    expect(await t.done).toBe(3);
    expect(posts()).toHaveLength(0);
    expect(t.stderr()).toMatch(/^error: the API rejected the key \(401 Unauthorized\)/m);
    expect(t.raw[t.raw.length - 1]).toBe(false);
  });

  it('a failing send (500) is reported and the session goes on', async () => {
    failOn = 'boom';
    const t = startRepl([]);
    await t.waitFor(/you › $/);
    t.type('boom\r');
    await t.waitFor(/error: the API answered 500/, t.stderr);
    t.type('after\r');
    await t.waitFor(/Reply to: after/);
    t.type('/exit\r');
    expect(await t.done).toBe(0);
  });

  it('Ctrl-C with text typed drops the text and keeps the session', async () => {
    const t = startRepl([]);
    await t.waitFor(/you › $/);
    t.type('never sent');
    t.type('\u0003');
    await t.waitFor(/\^C\n/);
    t.type('/exit\r');
    expect(await t.done).toBe(0);
    expect(posts()).toHaveLength(0);
  });

  it('--thread shows the last 5 messages first; /show prints the whole transcript; replies are escaped', async () => {
    const t = startRepl(['--thread', THREAD_FID]);
    await t.waitFor(/you › $/);
    const before = t.screen();
    expect(before).toContain('old message 6');
    expect(before).toContain('old message 2');
    expect(before).not.toContain('old message 1');
    expect(t.stderr()).toContain('2 earlier messages');
    t.type('/show\r');
    await t.waitFor(/old message 0/);
    t.type('hostile\r');
    await t.waitFor(/gurusup › bad/);
    t.type('/nope\r');
    await t.waitFor(/unknown command \/nope/, t.stderr);
    t.type('/exit\r');
    expect(await t.done).toBe(0);
    const shown = t.screen().split('gurusup › ')[1]!;
    expect(shown).toContain('bad \\x1b]0;pwned\\x07 title \\x9b31m');
    expect(t.screen()).not.toContain('\u001b]');
    expect(posts()[0]).toMatchObject({ thread_fid: THREAD_FID, user_fid: 'gurusup-chat' });
  });
});
