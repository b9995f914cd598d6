import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { threadHash } from '../../src/api/hash.js';

const KEY = 'gsk_test_threads_0123456789abcdef';
const THREADS = [
  {
    thread: 'placeholder',
    thread_fid: 'order-1234',
    subject: 'Where is my parcel?',
    messages: [{ body: 'a' }, { body: 'b' }],
  },
  { thread_fid: 'pedido\t77', subject: 'Factura\nabril' },
];
const THREAD = {
  thread: threadHash('order-1234'),
  thread_fid: 'order-1234',
  subject: 'Where is my parcel?',
  messages: [
    {
      _id: '650000000000000000000001',
      body: 'Where is my parcel?\nIt is late.',
      user_fid: 'cust-42',
      is_customer_support_agent: false,
      created_at: '2024-05-01T10:00:00Z',
    },
    {
      _id: '650000000000000000000002',
      body: 'It ships today.',
      user_fid: 'agent-7',
      is_customer_support_agent: true,
      created_at: '2024-05-01T10:05:00Z',
    },
  ],
};

let server: TestServer;
let env: Record<string, string>;

beforeAll(async () => {
  server = await startServer((req, res) => {
    if (req.headers['x-api-key'] !== KEY) return sendJson(res, 401, { message: 'Unauthorized' });
    if (req.method === 'GET' && req.path === '/threads') return sendJson(res, 200, THREADS);
    if (req.method === 'GET' && req.path === `/threads/${threadHash('order-1234')}`) return sendJson(res, 200, THREAD);
    return sendJson(res, 404, { message: 'Not found' });
  });
  env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url };
});
afterAll(() => server.close());
afterEach(() => {
  server.requests.length = 0;
});

describe('threads list', () => {
  it('sends GET /threads with the key and user-agent', async () => {
    const r = await run(['threads', 'list'], { env });
    expect(r.code).toBe(0);
    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.method).toBe('GET');
    expect(req.path).toBe('/threads');
    expect(req.headers['x-api-key']).toBe(KEY);
    expect(req.headers['user-agent']).toMatch(/^gurusup-cli\/\d+\.\d+\.\d+/);
  });

  it('piped: one tab-separated line per thread, fid then md5 hash, fields escaped', async () => {
    const r = await run(['threads', 'list'], { env });
    expect(r.stdout).toBe(
      `order-1234\t${threadHash('order-1234')}\tWhere is my parcel?\t2\n` +
        `pedido\\t77\t${threadHash('pedido\t77')}\tFactura\\nabril\t\n`,
    );
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('TTY: a table with a header row', async () => {
    const r = await run(['threads', 'list'], { env: { ...env, FORCE_COLOR: '0' }, tty: true });
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^THREAD_FID\s+HASH\s+SUBJECT\s+MESSAGES$/);
    expect(lines[1]).toContain('order-1234');
    expect(lines[1]).toContain(threadHash('order-1234'));
    expect(lines).toHaveLength(3);
  });

  it('TTY with colour: a bold header, nothing else in it', async () => {
    const r = await run(['threads', 'list'], { env: { ...env, FORCE_COLOR: '1' }, tty: true });
    const header = r.stdout.split('\n')[0]!;
    expect(header).toContain('\u001b[1mTHREAD_FID\u001b[22m');
    expect(header.replace(/\u001b\[\d+m/g, '')).toMatch(/^THREAD_FID\s+HASH\s+SUBJECT\s+MESSAGES$/);
  });

  it('--json passes the array through; --limit keeps the first n', async () => {
    const r = await run(['threads', 'list', '--json'], { env });
    expect(JSON.parse(r.stdout)).toEqual(THREADS);
    const l = await run(['threads', 'list', '--json', '--limit', '1'], { env });
    expect(JSON.parse(l.stdout)).toEqual([THREADS[0]]);
  });

  it('--json in a pipe passes the bytes through as the API sent them; --limit and fields parse', async () => {
    const raw = '[ {"thread_fid":"x",  "n": 1.50} ]';
    const s = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(raw);
    });
    try {
      const e = { ...env, GURUSUP_BASE_URL: s.url };
      expect((await run(['threads', 'list', '--json'], { env: e })).stdout).toBe(`${raw}\n`);
      expect((await run(['threads', 'list', '--json', '--limit', '1'], { env: e })).stdout).toBe(
        '[{"thread_fid":"x","n":1.5}]\n',
      );
      expect((await run(['threads', 'list', '--json', 'n'], { env: e })).stdout).toBe('[{"n":1.5}]\n');
    } finally {
      await s.close();
    }
  });

  it('--json with fields keeps only those, null when missing', async () => {
    const r = await run(['threads', 'list', '--json', 'thread_fid,thread'], { env });
    expect(JSON.parse(r.stdout)).toEqual([
      { thread_fid: 'order-1234', thread: 'placeholder' },
      { thread_fid: 'pedido\t77', thread: null },
    ]);
    const before = await run(['--json', 'threads', 'list'], { env });
    expect(JSON.parse(before.stdout)).toEqual(THREADS);
  });

  it('--limit must be a positive number (exit 2)', async () => {
    const r = await run(['threads', 'list', '--limit', 'x'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: --limit must be a whole number of 1 or more, not 'x'");
    expect(server.requests).toHaveLength(0);
  });

  it('a wrong key exits 3 with a hint', async () => {
    const r = await run(['threads', 'list'], { env: { ...env, GURUSUP_API_KEY: 'gsk_wrong_key_9876543210' } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error: the API rejected the key (401 Unauthorized)');
    expect(r.stderr).toContain('hint: ');
    expect(r.stdout).toBe('');
  });

  it('no key at all exits 3 before any request', async () => {
    const r = await run(['threads', 'list'], { env: { ...env, GURUSUP_API_KEY: undefined } });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('error: no API key');
    expect(r.stderr).toContain('gurusup auth login');
    expect(server.requests).toHaveLength(0);
  });
});

describe('threads show', () => {
  it('requests the md5 of the thread_fid', async () => {
    const r = await run(['threads', 'show', 'order-1234'], { env });
    expect(r.code).toBe(0);
    expect(server.requests[0]!.path).toBe(`/threads/${threadHash('order-1234')}`);
  });

  it('piped: time, sender, body per message, newlines escaped', async () => {
    const r = await run(['threads', 'show', 'order-1234'], { env });
    expect(r.stdout).toBe(
      '2024-05-01T10:00:00Z\tcustomer\tWhere is my parcel?\\nIt is late.\n2024-05-01T10:05:00Z\tagent\tIt ships today.\n',
    );
  });

  it('TTY: a transcript with header and senders', async () => {
    const r = await run(['threads', 'show', 'order-1234'], { env, tty: true });
    expect(r.stdout).toContain('order-1234');
    expect(r.stdout).toContain(threadHash('order-1234'));
    expect(r.stdout).toContain('Where is my parcel?');
    expect(r.stdout).toMatch(/customer.*cust-42/);
    expect(r.stdout).toMatch(/agent.*agent-7/);
    expect(r.stdout).toContain('  It ships today.');
  });

  it('--json passes the thread through', async () => {
    const r = await run(['threads', 'show', 'order-1234', '--json'], { env });
    expect(JSON.parse(r.stdout)).toEqual(THREAD);
  });

  it('--hash uses the argument as the hash, and validates it', async () => {
    const ok = await run(['threads', 'show', '--hash', threadHash('order-1234').toUpperCase()], { env });
    expect(ok.code).toBe(0);
    expect(server.requests[0]!.path).toBe(`/threads/${threadHash('order-1234')}`);
    const bad = await run(['threads', 'show', '--hash', 'order-1234'], { env });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error: not a thread hash');
    expect(server.requests).toHaveLength(1);
  });

  it('404 exits 4 with the fid and hash', async () => {
    const r = await run(['threads', 'show', 'nope'], { env });
    expect(r.code).toBe(4);
    expect(r.stderr).toContain(`error: thread not found: nope (hash ${threadHash('nope')})`);
  });

  it('--json errors are also a JSON object on stderr', async () => {
    const r = await run(['threads', 'show', 'nope', '--json'], { env });
    expect(r.code).toBe(4);
    expect(r.stdout).toBe('');
    const last = r.stderr.trim().split('\n').pop()!;
    expect(JSON.parse(last)).toEqual({
      error: { message: `thread not found: nope (hash ${threadHash('nope')})`, status: 404, exit_code: 4 },
    });
  });
});

describe('--json with a field no object carries', () => {
  it('prints null for it, and warns once on stderr with the fields that are there', async () => {
    const server = await startServer((_req, res) =>
      sendJson(res, 200, [
        { thread_fid: 'a', message_count: 2 },
        { thread_fid: 'b', message_count: 1 },
      ]),
    );
    try {
      const r = await run(['threads', 'list', '--json', 'thread_fid,messages'], {
        env: {
          GURUSUP_API_KEY: 'gsk_test_fields_0123456789',
          GURUSUP_BASE_URL: server.url,
          GURUSUP_CONFIG_DIR: tempDir(),
        },
      });
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual([
        { thread_fid: 'a', messages: null },
        { thread_fid: 'b', messages: null },
      ]);
      expect(r.stderr).toBe(
        'warning: no object has the field "messages" (printed as null); fields present: thread_fid, message_count\n',
      );
    } finally {
      await server.close();
    }
  });
});
