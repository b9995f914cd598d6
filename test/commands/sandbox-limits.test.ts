import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { threadHash } from '../../src/api/hash.js';
import { LIMITS, SandboxStore } from '../../src/sandbox/store.js';
import { seedThreads } from '../../src/sandbox/seed.js';
import { startSandbox } from '../../src/sandbox/server.js';
import { post } from '../helpers/http.js';
import { run, startInProcess, tempDir } from '../helpers/io.js';

// gurusup sandbox cannot be flooded (bounded memory, 507 past it), reached through DNS rebinding
// (403 for a foreign Host), or slowed by a large --data state (an append per POST).
const KEY = 'gsk_sandbox_limits_test';
const H = { 'x-api-key': KEY };
const msg = (body: string, thread = 'flood', agent = false) =>
  JSON.stringify({ body, thread_fid: thread, user_fid: 'u', is_customer_support_agent: agent });

describe('sandbox: only its own address is answered (DNS rebinding)', () => {
  it('403 for a foreign Host, 200 for its loopback names and IP with its port', async () => {
    const sb = await startSandbox({ host: '127.0.0.1', port: 0, apiKey: KEY, store: new SandboxStore(seedThreads()) });
    try {
      const get = (host: string) => post(`${sb.url}/threads`, '', { ...H, host }, 'GET');
      for (const host of ['evil.example', `evil.example:${sb.port}`, `localhost:${sb.port + 1}`, '127.0.0.1'])
        expect((await get(host)).status, host).toBe(403);
      for (const host of [`127.0.0.1:${sb.port}`, `localhost:${sb.port}`, `LOCALHOST:${sb.port}`, `[::1]:${sb.port}`])
        expect((await get(host)).status, host).toBe(200);
      // Before the key is even looked at: a page cannot learn whether it guessed one.
      const r = await post(`${sb.url}/threads`, '', { host: `rebind.example:${sb.port}` }, 'GET');
      expect(r.status).toBe(403);
      expect(JSON.parse(r.body).message).toBe("Host is not this sandbox's address");
    } finally {
      await sb.close();
    }
  });

  it('the CLI pointed at it by localhost works as before', async () => {
    const p = startInProcess(['sandbox', '--port', '0', '--api-key', KEY], { env: { GURUSUP_CONFIG_DIR: tempDir() } });
    const url = (await p.waitFor(/sandbox on (http:\/\/\S+)/))[1]!.replace('127.0.0.1', 'localhost');
    const r = await run(['threads', 'list', '--json'], {
      env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: url },
    });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).length).toBeGreaterThan(0);
    p.abort();
    expect(await p.done).toBe(0);
  });
});

describe('sandbox: bounded memory', () => {
  it('the limits are 10,000 messages and 64 MiB of text', () => {
    expect(LIMITS).toEqual({ messages: 10_000, textBytes: 64 * 1024 * 1024 });
  });

  it('past the message limit a POST gets 507 and nothing is kept', async () => {
    const store = new SandboxStore(seedThreads(), undefined, undefined, { messages: 40, textBytes: LIMITS.textBytes });
    const sb = await startSandbox({ host: '127.0.0.1', port: 0, apiKey: KEY, store });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await post(`${sb.url}/messages`, msg(`m${i}`), H)).status);
      const first507 = statuses.indexOf(507);
      expect(first507).toBeGreaterThan(0);
      expect(statuses.slice(0, first507).every((s) => s === 201)).toBe(true);
      expect(statuses.slice(first507).every((s) => s === 507)).toBe(true);
      const r = await post(`${sb.url}/messages`, msg('one more'), H);
      expect(r.status).toBe(507);
      expect(JSON.parse(r.body).message).toMatch(/^the sandbox is full \(at most 40 messages and 64 MiB of text\)/);
      const thread = JSON.parse((await post(`${sb.url}/threads`, '', H, 'GET')).body) as Array<{
        thread_fid: string;
        message_count: number;
      }>;
      // Each kept POST is the message and its reply: no half-kept pair.
      expect(thread.find((t) => t.thread_fid === 'flood')!.message_count).toBe(2 * first507);
    } finally {
      await sb.close();
    }
  });

  it('1 MB bodies: accepted until 64 MiB of text, then 507 (the real limit)', async () => {
    const sb = await startSandbox({ host: '127.0.0.1', port: 0, apiKey: KEY, store: new SandboxStore(seedThreads()) });
    try {
      const big = msg('x'.repeat(1_000_000), 'big', true);
      let accepted = 0;
      let status = 201;
      while (status === 201 && accepted < 100) {
        status = (await post(`${sb.url}/messages`, big, H)).status;
        if (status === 201) accepted++;
      }
      expect(status).toBe(507);
      const seeded = seedThreads()
        .flatMap((t) => t.messages)
        .reduce((n, m) => n + Buffer.byteLength(m.body), 0);
      expect(accepted).toBe(Math.floor((64 * 1024 * 1024 - seeded) / 1_000_000));
    } finally {
      await sb.close();
    }
  });
});

describe('sandbox --data: an append per POST, not a rewrite', () => {
  it('the snapshot is not rewritten by a POST; the journal holds it; a restart without a clean stop keeps it', async () => {
    const file = path.join(tempDir(), 'state.json');
    const store = SandboxStore.load(file, seedThreads);
    const sb = await startSandbox({ host: '127.0.0.1', port: 0, apiKey: KEY, store });
    const snapshot = fs.readFileSync(file, 'utf8');
    const ino = fs.statSync(file).ino;
    try {
      for (let i = 0; i < 5; i++)
        expect((await post(`${sb.url}/messages`, msg(`kept ${i}`, 'j-1'), H)).status).toBe(201);
    } finally {
      await sb.close();
    }
    expect(fs.readFileSync(file, 'utf8')).toBe(snapshot);
    expect(fs.statSync(file).ino).toBe(ino);
    const journal = fs.readFileSync(`${file}.journal`, 'utf8').trim().split('\n');
    expect(journal).toHaveLength(5);
    // A crash mid-append leaves a cut line: it is dropped, the whole ones are kept. (A crashed
    // process's lock names a pid that is gone, so it is stale; this process holds it still.)
    fs.appendFileSync(`${file}.journal`, '{"messages":[{"_id":"cut');
    fs.rmSync(`${file}.lock`);
    const again = SandboxStore.load(file, seedThreads);
    const t = again.thread(threadHash('j-1'))!;
    expect(t.messages.map((m) => m.body)).toEqual(
      Array.from({ length: 5 }, (_, i) => [`kept ${i}`, expect.any(String)]).flat(),
    );
    // Folded into the snapshot at load: the file is whole JSON with everything, the journal gone.
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).threads.length).toBe(seedThreads().length + 1);
    expect(fs.existsSync(`${file}.journal`)).toBe(false);
    again.close();
  });

  it('a normal stop folds the journal into the snapshot and removes it', async () => {
    const file = path.join(tempDir(), 'state.json');
    const p = startInProcess(['sandbox', '--port', '0', '--api-key', KEY, '--data', file], {
      env: { GURUSUP_CONFIG_DIR: tempDir() },
    });
    const url = (await p.waitFor(/sandbox on (http:\/\/\S+)/))[1]!;
    expect((await post(`${url}/messages`, msg('folded', 'j-2'), H)).status).toBe(201);
    expect(fs.existsSync(`${file}.journal`)).toBe(true);
    p.abort();
    expect(await p.done).toBe(0);
    expect(fs.existsSync(`${file}.journal`)).toBe(false);
    const threads = JSON.parse(fs.readFileSync(file, 'utf8')).threads as Array<{ thread_fid: string }>;
    expect(threads.map((t) => t.thread_fid)).toContain('j-2');
  });
});

describe('sandbox: what review found', () => {
  it('ids and subjects are bounded too (400), and count against the text limit', async () => {
    const sb = await startSandbox({ host: '127.0.0.1', port: 0, apiKey: KEY, store: new SandboxStore(seedThreads()) });
    try {
      const long = JSON.stringify({ body: 'x', user_fid: 'u', thread_fid: `t-${'a'.repeat(1e6)}` });
      const r = await post(`${sb.url}/messages`, long, H);
      expect(r.status).toBe(400);
      expect(JSON.parse(r.body).message).toBe('field "thread_fid" is longer than 4096 characters');
    } finally {
      await sb.close();
    }
  });

  it('a second sandbox on the same --data file is refused (exit 1), and the first keeps its messages', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'shared.json');
    const env = { GURUSUP_CONFIG_DIR: tempDir() };
    const a = startInProcess(['sandbox', '--port', '0', '--api-key', KEY, '--data', file], { env });
    await a.waitFor(/sandbox on (http:\/\/\S+)/);
    const b = await run(['sandbox', '--port', '0', '--api-key', KEY, '--data', file], { env });
    expect(b.code).toBe(1);
    expect(b.stderr.split('\n')[0]).toBe(`error: --data ${file} is in use by another gurusup sandbox`);
    a.abort();
    expect(await a.done).toBe(0);
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  it('a journal that is a FIFO or a symlink: a clear error at start, no hang', async () => {
    const env = { GURUSUP_CONFIG_DIR: tempDir() };
    for (const plant of ['fifo', 'symlink']) {
      const file = path.join(tempDir(), 'state.json');
      SandboxStore.load(file, seedThreads).close();
      if (plant === 'fifo') execFileSync('mkfifo', [`${file}.journal`]);
      else fs.symlinkSync('/dev/zero', `${file}.journal`);
      const r = await run(['sandbox', '--port', '0', '--data', file], { env });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toMatch(
        plant === 'fifo' ? /is not a regular file of a sane size/ : /is a symbolic link; it is not followed/,
      );
    }
  });

  it('a journal line that is not a list of messages names the journal and the line', async () => {
    const file = path.join(tempDir(), 'state.json');
    SandboxStore.load(file, seedThreads).close();
    fs.writeFileSync(`${file}.journal`, '{"messages":[]}\nnull\n');
    const r = await run(['sandbox', '--port', '0', '--data', file], { env: { GURUSUP_CONFIG_DIR: tempDir() } });
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe(
      `error: --data journal ${file}.journal, line 2: not a list of messages with _id, thread_fid and user_fid`,
    );
  });
});
