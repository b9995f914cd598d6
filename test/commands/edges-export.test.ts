import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeIo, run, tempDir } from '../helpers/io.js';
import { main } from '../../src/cli.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { waitUntil } from '../helpers/wait.js';
import { threadHash } from '../../src/api/hash.js';

// Issue 11, smaller defects: threads export --out.
const KEY = 'gsk_test_edges_export_0123456789';
const threads = Array.from({ length: 12 }, (_, i) => ({ thread_fid: `t-${i}` }));
const byHash = new Map(threads.map((t) => [threadHash(t.thread_fid), t.thread_fid]));

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Thread GETs wait for `gate` (so an export can be held mid-run). */
async function exportServer(gate: Promise<void> = Promise.resolve()) {
  return startServer(async (req, res) => {
    if (req.path === '/threads') return sendJson(res, 200, threads);
    await gate;
    const fid = byHash.get(req.path.split('/')[2]!);
    if (!fid) return sendJson(res, 404, {});
    sendJson(res, 200, { thread: threadHash(fid), thread_fid: fid, messages: [{ body: `hello ${fid} é` }] });
  });
}

const envFor = (url: string) => ({ GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: url });

describe('threads export --out holds an exclusive lock', () => {
  it('a second export to the same file exits 1 naming it, and the first completes whole', async () => {
    let open!: () => void;
    const s = (server = await exportServer(new Promise<void>((r) => (open = r))));
    const file = path.join(tempDir(), 'same.ndjson');
    const first = fakeIo({ env: envFor(s.url) });
    const firstDone = main(['threads', 'export', '--out', file], first.io);
    // The first export is past its listing and waiting on the threads: it holds the file.
    await waitUntil(() => s.requests.some((r) => r.path !== '/threads'), { what: "the first export's thread request" });
    const second = await run(['threads', 'export', '--out', file], { env: envFor(s.url) });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(
      new RegExp(`^error: another export is writing to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'),
    );
    const resumed = await run(['threads', 'export', '--out', file, '--resume'], { env: envFor(s.url) });
    expect(resumed.code).toBe(1);
    open();
    expect(await firstDone).toBe(0);
    const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(threads.length);
    expect(new Set(lines.map((l) => JSON.parse(l).thread_fid)).size).toBe(threads.length);
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
  });

  it('a lock left by a process that died does not block the next export', async () => {
    const s = (server = await exportServer());
    const file = path.join(tempDir(), 'out.ndjson');
    // pid 2^22+1 is above Linux's pid_max default: no such process
    fs.writeFileSync(`${file}.lock`, `4194305 ${(await import('node:os')).hostname()}\n`);
    const r = await run(['threads', 'export', '--out', file], { env: envFor(s.url) });
    expect(r.code).toBe(0);
    expect(fs.readFileSync(file, 'utf8').trim().split('\n')).toHaveLength(threads.length);
  });
});

describe('threads export --resume works in bytes', () => {
  it('an invalid UTF-8 byte earlier in the file does not misplace the cut of the last line', async () => {
    const s = (server = await exportServer());
    const file = path.join(tempDir(), 'out.ndjson');
    // Two complete lines, the first with a stray 0xff byte inside a string, then a line cut short.
    const good = (fid: string, extra = '') =>
      Buffer.from(`{"thread":"${threadHash(fid)}","thread_fid":"${fid}","messages":[],"note":"${extra}`);
    fs.writeFileSync(
      file,
      Buffer.concat([
        good('t-0'),
        Buffer.from([0xff, 0xfe]),
        Buffer.from('"}\n'),
        good('t-1'),
        Buffer.from('"}\n'),
        Buffer.from('{"thread":"abc","thread_fid":"t-2","mess'),
      ]),
    );
    const r = await run(['threads', 'export', '--out', file, '--resume'], { env: envFor(s.url) });
    expect(r.code).toBe(0);
    const lines = fs.readFileSync(file, 'latin1').split('\n');
    expect(lines.pop()).toBe('');
    // Every line parses, every thread is there exactly once.
    const got = lines.map((l) => JSON.parse(Buffer.from(l, 'latin1').toString('utf8')).thread_fid as string);
    expect(got.sort()).toEqual(threads.map((t) => t.thread_fid).sort());
  });
});
