import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';
import { threadHash } from '../../src/api/hash.js';
import { KEY, baseEnv, call, connect, startSandbox, text, type Session } from './helpers.js';

// The built binary, driven by the SDK's own client, against `gurusup sandbox`.
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let env: Record<string, string>;
let ro: Session;
let rw: Session;
const READ_TOOLS = ['gurusup_message_get', 'gurusup_thread_get', 'gurusup_threads_list'];
const WRITE_TOOLS = ['gurusup_eval_run', 'gurusup_messages_send'];

beforeAll(async () => {
  const dir = tempDir();
  sandbox = await startSandbox({ GURUSUP_CONFIG_DIR: dir });
  env = baseEnv({ GURUSUP_CONFIG_DIR: dir, GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: sandbox.url });
  [ro, rw] = await Promise.all([connect(['mcp'], env), connect(['mcp', '--allow-write'], env)]);
});
afterAll(async () => {
  await Promise.all([ro?.close(), rw?.close()]);
  await sandbox?.stop();
});

describe('gurusup mcp against the sandbox', () => {
  it('initializes as gurusup with tools and resources, and says it is read-only', () => {
    expect(ro.client.getServerVersion()).toMatchObject({
      name: 'gurusup',
      version: expect.stringMatching(/^\d+\.\d+/),
    });
    expect(ro.client.getServerCapabilities()).toMatchObject({ tools: {}, resources: {} });
    expect(ro.client.getInstructions()).toContain('--allow-write');
    expect(rw.client.getInstructions()).toContain('messages real customers');
  });

  it('lists the read tools only, each with a title, a description, a schema and annotations', async () => {
    const { tools } = await ro.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(READ_TOOLS);
    for (const t of tools) {
      expect(t.title).toBeTruthy();
      expect(t.description!.length).toBeGreaterThan(80);
      expect(t.inputSchema.type).toBe('object');
      expect(t.outputSchema?.type).toBe('object');
      expect(t.annotations).toEqual({
        title: t.title,
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: true,
      });
    }
    const list = tools.find((t) => t.name === 'gurusup_threads_list')!;
    expect(Object.keys(list.inputSchema.properties!).sort()).toEqual(
      ['grep', 'limit', 'reverse', 'since', 'sort', 'until', 'user'].sort(),
    );
    expect(list.inputSchema.properties!.limit).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000 });
    expect(list.inputSchema.properties!.sort).toMatchObject({ enum: ['updated', 'created', 'fid'] });
    expect(list.inputSchema.additionalProperties).toBe(false);
  });

  it('with --allow-write, adds the write tools, annotated as such, saying they message real customers', async () => {
    const { tools } = await rw.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...WRITE_TOOLS, ...READ_TOOLS].sort());
    for (const name of WRITE_TOOLS) {
      const t = tools.find((x) => x.name === name)!;
      expect(t.annotations).toMatchObject({ readOnlyHint: false, idempotentHint: false, openWorldHint: true });
    }
    const send = tools.find((t) => t.name === 'gurusup_messages_send')!;
    expect(send.description).toContain('REAL customer');
    expect(send.inputSchema.required!.sort()).toEqual(['body', 'thread', 'user']);
  });

  it('gurusup_threads_list: the same threads, filters and order as threads list --json', async () => {
    const all = await call(ro, 'gurusup_threads_list');
    expect(all.isError).toBeFalsy();
    const fromCli = JSON.parse((await cli(['threads', 'list', '--json'], { env })).stdout);
    expect(all.structuredContent).toEqual({ threads: fromCli, total: 5, shown: 5 });
    expect(text(all)).toContain('5 of 5 threads.');
    expect(text(all)).toContain(`order-1042\t${threadHash('order-1042')}\tWhere is my parcel?`);

    const args = ['--grep', 'e', '--sort', 'fid', '--reverse', '--limit', '2'];
    const cliSome = JSON.parse((await cli(['threads', 'list', ...args, '--json'], { env })).stdout);
    const some = await call(ro, 'gurusup_threads_list', { grep: 'e', sort: 'fid', reverse: true, limit: 2 });
    expect(some.structuredContent.threads).toEqual(cliSome);
    expect(some.structuredContent.shown).toBe(2);
    expect(some.structuredContent.total).toBeGreaterThan(2);
    expect(text(some)).toContain('raise limit');

    // The sandbox dates its threads back from its start: order-1042 is from minutes ago.
    const user = await call(ro, 'gurusup_threads_list', { user: 'cust-anna', since: '1d', until: '0m' });
    expect(user.structuredContent.threads.map((t: { thread_fid: string }) => t.thread_fid)).toEqual(['order-1042']);
  });

  it('gurusup_threads_list: bad arguments are error results naming the argument', async () => {
    const since = await call(ro, 'gurusup_threads_list', { since: 'last tuesday' });
    expect(since.isError).toBe(true);
    expect(text(since)).toMatch(/^error: since: cannot read "last tuesday"/);
    expect(text(since)).toContain('hint: use an ISO date');
    for (const [args, name] of [
      [{ limit: 0 }, 'limit'],
      [{ limit: 1001 }, 'limit'],
      [{ limit: 'ten' }, 'limit'],
      [{ sort: 'size' }, 'sort'],
      [{ reverse: 'yes' }, 'reverse'],
    ] as const) {
      const r = await call(ro, 'gurusup_threads_list', args);
      expect(r.isError, JSON.stringify(args)).toBe(true);
      expect(text(r)).toMatch(new RegExp(`^error: invalid arguments for gurusup_threads_list: ${name}: `));
    }
    const typo = await call(ro, 'gurusup_threads_list', { limt: 3 });
    expect(typo.isError).toBe(true);
    expect(text(typo)).toContain('"limt"');
  });

  it('gurusup_thread_get: the thread with each message labelled, by fid or by hash', async () => {
    const byFid = await call(ro, 'gurusup_thread_get', { thread: 'order-1042' });
    expect(byFid.isError).toBeFalsy();
    const thread = byFid.structuredContent.thread;
    expect(thread.thread_fid).toBe('order-1042');
    expect(thread.messages.map((m: { sender: string }) => m.sender)).toEqual([
      'customer',
      'system',
      'customer',
      'system',
    ]);
    expect(byFid.structuredContent.omitted_messages).toBe(0);
    // The transcript, as threads show prints it on a terminal, without colour.
    const t = text(byFid);
    expect(t).toMatch(
      /^thread order-1042 {2}hash [0-9a-f]{32}\nsubject Where is my parcel\?\n4 messages\n\ncustomer \(cust-anna\)/,
    );
    expect(t).not.toMatch(/\u001b/);
    const byHash = await call(ro, 'gurusup_thread_get', { hash: threadHash('order-1042').toUpperCase() });
    expect(byHash.structuredContent).toEqual(byFid.structuredContent);
  });

  it('gurusup_thread_get: max_messages keeps the newest and says how many were left out', async () => {
    const r = await call(ro, 'gurusup_thread_get', { thread: 'order-1042', max_messages: 1 });
    expect(r.structuredContent.omitted_messages).toBe(3);
    expect(r.structuredContent.thread.messages.map((m: { _id: string }) => m._id)).toEqual([
      '65a000000000000000000004',
    ]);
    expect(text(r)).toMatch(/^\[3 older messages left out: showing the newest 1 of 4/);
  });

  it('gurusup_thread_get: not found, neither or both of thread and hash, a bad hash', async () => {
    const missing = await call(ro, 'gurusup_thread_get', { thread: 'no-such-thread' });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toBe(
      `error: thread not found: no-such-thread (hash ${threadHash('no-such-thread')})\nhint: find the thread_fid with gurusup_threads_list`,
    );
    const hashy = await call(ro, 'gurusup_thread_get', { thread: threadHash('order-1042') });
    expect(text(hashy)).toContain('pass it as hash');
    expect(text(await call(ro, 'gurusup_thread_get', {}))).toMatch(/^error: pass thread \(a thread_fid\) or hash/);
    expect(text(await call(ro, 'gurusup_thread_get', { thread: 'a', hash: threadHash('a') }))).toMatch(
      /^error: pass either thread or hash, not both/,
    );
    expect(text(await call(ro, 'gurusup_thread_get', { hash: 'xyz' }))).toMatch(
      /^error: invalid arguments for gurusup_thread_get: hash: expected 32 hex characters/,
    );
  });

  it('gurusup_message_get: a message by id, and a missing one', async () => {
    const r = await call(ro, 'gurusup_message_get', { message_id: '65a000000000000000000001' });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent.message).toMatchObject({ _id: '65a000000000000000000001', thread_fid: 'order-1042' });
    expect(JSON.parse(text(r))).toEqual(r.structuredContent.message);
    const missing = await call(ro, 'gurusup_message_get', { message_id: '65a0000000000000000009ff' });
    expect(missing.isError).toBe(true);
    expect(text(missing)).toBe('error: message not found: 65a0000000000000000009ff');
    expect(text(await call(ro, 'gurusup_message_get', {}))).toMatch(/^error: invalid arguments .*message_id: /);
  });

  it('the write tools without --allow-write: an error naming the flag, and nothing sent', async () => {
    for (const name of WRITE_TOOLS) {
      const r = await call(ro, name, { thread: 'x', user: 'y', body: 'z', suite: 's' });
      expect(r.isError).toBe(true);
      expect(text(r)).toContain(`error: ${name} sends messages, and this server is read-only`);
      expect(text(r)).toContain('--allow-write');
    }
    const list = await call(ro, 'gurusup_threads_list');
    expect(list.structuredContent.total).toBe(5);
  });

  it('gurusup_messages_send: the reply; as an agent, null with a note; an empty body is refused', async () => {
    const r = await call(rw, 'gurusup_messages_send', {
      thread: 'mcp-1',
      user: 'cust-mcp',
      body: 'Can I get a refund?',
    });
    expect(r.isError).toBeFalsy();
    expect(r.structuredContent.reply.body).toContain('refund');
    expect(text(r)).toMatch(/^system/);
    const shown = await call(ro, 'gurusup_thread_get', { thread: 'mcp-1' });
    expect(shown.structuredContent.thread.messages.map((m: { sender: string }) => m.sender)).toEqual([
      'customer',
      'system',
    ]);

    const agent = await call(rw, 'gurusup_messages_send', { thread: 'mcp-1', user: 'ana', body: 'Hola', agent: true });
    expect(agent.structuredContent).toEqual({ reply: null });
    expect(text(agent)).toContain('no reply came back');
    const after = await call(ro, 'gurusup_thread_get', { thread: 'mcp-1' });
    expect(after.structuredContent.thread.messages.at(-1)).toMatchObject({ body: 'Hola', sender: 'agent' });

    const empty = await call(rw, 'gurusup_messages_send', { thread: 'mcp-1', user: 'u', body: '  ' });
    expect(text(empty)).toMatch(/^error: invalid arguments for gurusup_messages_send: body: the message body is empty/);
    const missing = await call(rw, 'gurusup_messages_send', { thread: 'mcp-1', body: 'x' });
    expect(text(missing)).toMatch(/user: /);
  });

  it('gurusup_eval_run: the results object eval --json prints, and a bad suite names the file and line', async () => {
    const dir = tempDir();
    const suite = path.join(dir, 'refunds.yaml');
    fs.writeFileSync(
      suite,
      'name: refunds\ncases:\n  - name: refund window\n    turns:\n      - send: "I want a refund"\n        expect:\n          - icontains: "refund"\n  - name: fails on purpose\n    turns:\n      - send: "hello"\n        expect:\n          - contains: "never said"\n',
    );
    const r = await call(rw, 'gurusup_eval_run', { suite });
    expect(r.isError).toBeFalsy();
    const results = r.structuredContent;
    expect(results).toMatchObject({ version: 1, status: 'failed', totals: { cases: 2, passed: 1, failed: 1 } });
    expect(results.suites[0].cases.map((c: { status: string }) => c.status)).toEqual(['passed', 'failed']);
    expect(text(r)).toMatch(/^eval failed: 1 passed, 1 failed, 0 errored of 2 cases/);
    expect(text(r)).toContain('fails on purpose');

    const one = await call(rw, 'gurusup_eval_run', { suite, case: 'window', repeat: 2 });
    expect(one.structuredContent).toMatchObject({ status: 'passed', totals: { cases: 1, runs: 2 } });

    fs.writeFileSync(
      path.join(dir, 'bad.yaml'),
      'cases:\n  - name: x\n    turns:\n      - send: hi\n        expect:\n          - smells_nice: true\n',
    );
    const bad = await call(rw, 'gurusup_eval_run', { suite: path.join(dir, 'bad.yaml') });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/^error: .*bad\.yaml:6.*smells_nice/);
    const none = await call(rw, 'gurusup_eval_run', { suite, case: 'no such case' });
    expect(text(none)).toMatch(
      /^error: no case name contains "no such case"\nhint: the cases are: refund window; fails on purpose/,
    );
  });

  it('resources: a template, every thread listed, each read as a plain transcript', async () => {
    const { resourceTemplates } = await ro.client.listResourceTemplates();
    expect(resourceTemplates).toEqual([
      expect.objectContaining({ uriTemplate: 'gurusup://threads/{thread_fid}', mimeType: 'text/plain' }),
    ]);
    const { resources } = await ro.client.listResources();
    expect(resources.map((r) => r.uri)).toContain('gurusup://threads/order-1042');
    const order = resources.find((r) => r.uri === 'gurusup://threads/order-1042')!;
    expect(order).toMatchObject({ name: 'order-1042', title: 'Where is my parcel?', mimeType: 'text/plain' });
    expect(order.description).toContain('customer cust-anna');
    const read = await ro.client.readResource({ uri: 'gurusup://threads/order-1042' });
    const body = read.contents[0] as { text: string; mimeType: string; uri: string };
    expect(body).toMatchObject({ uri: 'gurusup://threads/order-1042', mimeType: 'text/plain' });
    expect(body.text).toBe(text(await call(ro, 'gurusup_thread_get', { thread: 'order-1042' })));
    await expect(ro.client.readResource({ uri: 'gurusup://threads/nope' })).rejects.toThrow(/thread not found: nope/);
  });

  it('a thread_fid with spaces, slashes and emoji round-trips through its resource URI', async () => {
    const fid = 'odd fid/✓ 100%';
    await call(rw, 'gurusup_messages_send', { thread: fid, user: 'cust-odd', body: 'hello' });
    const { resources } = await ro.client.listResources();
    const r = resources.find((x) => x.name === fid)!;
    expect(r.uri).toBe(`gurusup://threads/${encodeURIComponent(fid)}`);
    const read = await ro.client.readResource({ uri: r.uri });
    expect((read.contents[0] as { text: string }).text).toContain(`thread ${fid}`);
  });

  it('no stdout line was anything but JSON-RPC, and the key is on no stderr', () => {
    expect(ro.protocolErrors).toEqual([]);
    expect(rw.protocolErrors).toEqual([]);
    expect(ro.stderr()).not.toContain(KEY);
    expect(rw.stderr()).not.toContain(KEY);
  });
});
