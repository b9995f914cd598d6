// The listener writes each event-loop turn's entries in one write, then sends those 200s; with
// --record, one write + one fdatasync per batch (issue 13). What must not change: a sender holding
// its 200 finds its event on stdout and in the file, every accepted event once, whole lines only.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeIo, startInProcess, tempDir } from '../helpers/io.js';
import { main } from '../../src/cli.js';
import { turnBatcher } from '../../src/webhook/turn-batcher.js';
import { waitUntil } from '../helpers/wait.js';
import { LineAppender } from '../../src/webhook/record.js';

const KEY = 'gsk_test_batch_0123456789abcdef';
const env = () => ({ GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY });
const event = (id: string) =>
  JSON.stringify({
    event: 'send_message',
    data: { id, body: 'Your parcel ships today.', thread_fid: 'order-1', user_fid: 'gurusup-ai' },
  });

let stops: Array<() => void> = [];
afterEach(() => {
  for (const s of stops) s();
  stops = [];
});

/** POSTs and runs `atStatus` the moment the status line arrives (before the body is read). */
function postChecking(url: string, body: string, atStatus: (status: number) => void): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', 'x-api-key': KEY } },
      (res) => {
        try {
          atStatus(res.statusCode ?? 0);
        } catch (err) {
          reject(err);
        }
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('webhook listen, batched per event-loop turn', () => {
  it('64 concurrent senders: each 200 arrives with its event already on stdout and in the --record file', async () => {
    const rec = path.join(tempDir(), 'events.ndjson');
    const l = startInProcess(['webhook', 'listen', '--port', '0', '--record', rec], { env: env() });
    stops.push(l.abort);
    const url = await l.url();
    const ids = Array.from({ length: 64 }, (_, i) => `batch-${i}`);
    const missing: string[] = [];
    const statuses = await Promise.all(
      ids.map((id) =>
        postChecking(url, event(id), (status) => {
          if (status !== 200) return;
          if (!l.stdout().includes(`"id":"${id}"`)) missing.push(`stdout ${id}`);
          if (!fs.readFileSync(rec, 'utf8').includes(`"id":"${id}"`)) missing.push(`record ${id}`);
        }),
      ),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(missing).toEqual([]);
    l.abort();
    expect(await l.done).toBe(0);
    const out = l.stdout().trimEnd().split('\n');
    expect(out).toHaveLength(64);
    expect(new Set(out.map((x) => JSON.parse(x).data.id))).toEqual(new Set(ids));
    const lines = fs.readFileSync(rec, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(new Set(lines.map((x) => JSON.parse(x).body.data.id))).toEqual(new Set(ids));
  });

  it('a slow stdout holds the 200s back until the write that carries their events has completed', async () => {
    const { io, stderr } = fakeIo({ env: env() });
    const written = new Set<string>();
    io.stdout = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _enc, cb) {
        // The write completes later: only then are its events "written".
        setTimeout(() => {
          for (const m of chunk.toString().matchAll(/"id":"([^"]+)"/g)) written.add(m[1]!);
          cb();
        }, 30);
      },
    });
    const ac = new AbortController();
    io.signal = ac.signal;
    const done = main(['webhook', 'listen', '--port', '0'], io);
    stops.push(() => ac.abort());
    const url = (
      await waitUntil(() => /Listening on (http:\/\/\S+)/.exec(stderr.text), {
        what: () => `the listener's URL: ${stderr.text}`,
      })
    )[1]!;
    const early: string[] = [];
    const ids = Array.from({ length: 20 }, (_, i) => `slow-${i}`);
    const statuses = await Promise.all(
      ids.map((id) => postChecking(url!, event(id), (s) => s === 200 && !written.has(id) && early.push(id))),
    );
    expect(statuses.every((s) => s === 200)).toBe(true);
    expect(early).toEqual([]);
    ac.abort();
    expect(await done).toBe(0);
  });

  it('--count 5 under 30 concurrent senders: exactly 5 accepted, 5 lines, the rest 503', async () => {
    const l = startInProcess(['webhook', 'listen', '--port', '0', '--count', '5'], { env: env() });
    stops.push(l.abort);
    const url = await l.url();
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) => postChecking(url, event(`c-${i}`), () => {}).catch(() => 0)),
    );
    expect(await l.done).toBe(0);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(l.stdout().trimEnd().split('\n')).toHaveLength(5);
  });
});

describe('turnBatcher', () => {
  it('one write for what is queued in the same turn, in order; a failed write rejects every entry in it', async () => {
    const writes: string[] = [];
    let fail = false;
    const put = turnBatcher(async (t) => {
      writes.push(t);
      if (fail) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    });
    await Promise.all([put('a\n'), put('b\n'), put('c\n')]);
    await put('d\n');
    expect(writes).toEqual(['a\nb\nc\n', 'd\n']);
    fail = true;
    const r = await Promise.allSettled([put('e\n'), put('f\n')]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
    expect(writes.at(-1)).toBe('e\nf\n');
  });
});

describe('LineAppender group commit', () => {
  it('appends made in the same turn share one write and one fdatasync', async () => {
    const file = path.join(tempDir(), 'r.ndjson');
    const sizes: number[] = [];
    const a = await LineAppender.open(file, {
      write: async (fh, buf, off, len) => {
        sizes.push(len);
        return (await fh.write(buf, off, len)).bytesWritten;
      },
    });
    await Promise.all(['{"n":1}', '{"n":2}', '{"n":3}'].map((l) => a.append(l)));
    await a.close();
    expect(sizes).toEqual([24]);
    expect(fs.readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
  });
});
