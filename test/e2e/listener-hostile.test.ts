import { memberText } from '../../src/webhook/json-text.js';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCli, waitForStderr } from '../helpers/cli.js';
import { post } from '../helpers/http.js';
import { tempDir } from '../helpers/io.js';
import { hostileCase, rng, rssMb, sendRaw } from '../helpers/hostile.js';
import { waitUntil } from '../helpers/wait.js';
import { startListener } from '../../src/webhook/listener.js';

const KEY = 'gsk_test_hostile_0123456789abcdef';
const CASES = Number(process.env.GURUSUP_FUZZ_CASES ?? 1500);
const SEED =
  process.env.GURUSUP_FUZZ_SEED === 'random'
    ? Math.floor(Math.random() * 2 ** 31)
    : Number(process.env.GURUSUP_FUZZ_SEED ?? 20261124);

let children: Array<ReturnType<typeof startCli>> = [];
afterEach(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  children = [];
});

async function spawnListener(args: string[] = []) {
  const child = startCli(['webhook', 'listen', '--port', '0', '--json', ...args], {
    env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY },
  });
  children.push(child);
  const m = await waitForStderr(child, /Listening on http:\/\/127\.0\.0\.1:(\d+)\//);
  return { child, port: Number(m[1]), url: `http://127.0.0.1:${m[1]}/` };
}

const valid = (n: number) =>
  JSON.stringify({ event: 'send_message', data: { body: `valid ${n}`, thread_fid: 't', user_fid: 'u', n } });

describe('webhook listen under hostile input', () => {
  it(
    `fuzz: ${CASES} malformed requests (seed ${SEED}) — stays up, rejects reach nothing, memory bounded, next event accepted`,
    async () => {
      const { child, port, url } = await spawnListener();
      const r = rng(SEED);
      const statuses: Record<string, Record<number, number>> = {};
      let accepted = 0;
      let peakRss = 0;
      const concurrency = 16;
      let next = 0;
      const worker = async () => {
        while (next < CASES) {
          next++;
          const c = hostileCase(r, KEY);
          // Long enough for an answer on a loaded machine: a 200 not waited for would be a line
          // on stdout counted as no acceptance. Stalled requests are closed by the server anyway.
          const status = await sendRaw(port, c, 15_000);
          if (status === 200) accepted++;
          (statuses[c.kind] ??= {})[status] = (statuses[c.kind]![status] ?? 0) + 1;
          if (next % 100 === 0) peakRss = Math.max(peakRss, rssMb(child.pid!));
        }
      };
      await Promise.all(Array.from({ length: concurrency }, worker));
      expect(child.exitCode, `listener died; stderr: ${child.err().slice(-2000)}`).toBeNull();
      const final = await post(url, valid(-1), { 'x-api-key': KEY });
      expect(final.status).toBe(200);
      // The entry was in the pipe before the 200; the pipe and the socket reach us in either order.
      await waitUntil(() => child.out().endsWith(`${valid(-1)}\n`), { what: "the last event's line on stdout" });
      const lines = child.out().trim().split('\n');
      // Exactly the accepted requests reach stdout, each a whole JSON line.
      expect(lines).toHaveLength(accepted + 1);
      for (const l of lines) JSON.parse(l);
      expect(lines[lines.length - 1]).toBe(valid(-1));
      for (const [kind, by] of Object.entries(statuses)) {
        if (
          kind === 'wrong-content-type' ||
          kind === 'deep-nesting' ||
          kind === 'almost-json' ||
          kind === 'endless-chunked'
        )
          continue;
        expect(by[200] ?? 0, `${kind} was accepted: ${JSON.stringify(by)}`).toBe(0);
      }
      expect(statuses['wrong-key']?.[401] ?? 0).toBeGreaterThan(0);
      // Bounded, not tight: the fault this guards against grew without limit (GBs). Node 24 peaked
      // at 259 MB once on a loaded machine (its heap grows more before collecting), 20 at ~150.
      expect(peakRss, `peak RSS ${peakRss.toFixed(0)} MB`).toBeLessThan(400);
      child.kill('SIGINT');
      expect((await child.done).code).toBe(0);
    },
    Math.max(60_000, CASES * 40),
  );

  it('slowloris: while 200 connections trickle headers, a valid event is accepted and printed', async () => {
    const { port, url, child } = await spawnListener();
    const socks: net.Socket[] = [];
    let connected = 0;
    for (let i = 0; i < 200; i++) {
      const s = net.connect(port, '127.0.0.1', () => connected++);
      s.on('error', () => {});
      s.write('POST / HTTP/1.1\r\nhost: x\r\n');
      socks.push(s);
    }
    const trickle = setInterval(() => {
      for (const s of socks) if (!s.destroyed) s.write('x');
    }, 100);
    try {
      await waitUntil(() => connected === 200, { what: () => `200 slow connections (${connected} so far)` });
      const res = await post(url, valid(1), { 'x-api-key': KEY });
      expect(res.status).toBe(200);
      // Answered while every slow connection is still open: the event did not wait for them.
      expect(socks.filter((s) => s.destroyed)).toHaveLength(0);
      // The entry was in the pipe before the 200; the pipe and the socket reach us in either order.
      await waitUntil(() => child.out(), { what: "the event's line on stdout" });
      expect(child.out()).toBe(`${valid(1)}\n`);
    } finally {
      clearInterval(trickle);
      for (const s of socks) s.destroy();
    }
  });

  it('stalled connections are closed by the server timeouts', async () => {
    const l = await startListener(
      {
        host: '127.0.0.1',
        port: 0,
        path: '/',
        apiKey: KEY,
        maxBody: 1024,
        headersTimeoutMs: 800,
        requestTimeoutMs: 1500,
      },
      { accepted() {}, rejected() {} },
    );
    try {
      const closed: Array<Promise<string>> = [];
      for (let i = 0; i < 20; i++) {
        const s = net.connect(l.port, '127.0.0.1');
        s.on('error', () => {});
        let answer = '';
        s.setEncoding('latin1').on('data', (d: string) => (answer += d));
        // half the connections stall in the headers, half in the body
        s.write(
          i % 2
            ? 'POST / HTTP/1.1\r\nhost: x\r\n'
            : `POST / HTTP/1.1\r\nhost: x\r\nx-api-key: ${KEY}\r\ncontent-length: 100\r\n\r\n{`,
        );
        // Closed from the server's side (its FIN): the client never ends them.
        closed.push(new Promise((r) => s.on('end', () => r(answer.split('\r\n')[0]!))));
      }
      const answers = await Promise.all(closed);
      expect(answers).toEqual(Array.from({ length: 20 }, () => 'HTTP/1.1 408 Request Timeout'));
    } finally {
      await l.close();
    }
  });

  it('1,000 valid events from 20 senders while 20 others send garbage: exactly 1,000 whole lines, matched by --record', async () => {
    const file = path.join(tempDir(), 'rec.ndjson');
    const { child, port, url } = await spawnListener(['--record', file]);
    let sentOk = 0;
    let n = 0;
    // The garbage keeps pace with the valid events (one for one, all through the run) rather than
    // flooding as fast as the machine allows: the same mix, at a cost that does not grow with load.
    let sentGarbage = 0;
    const paused: Array<() => void> = [];
    const wake = () => paused.splice(0).forEach((go) => go());
    const sender = async () => {
      while (n < 1000) {
        const i = n++;
        wake();
        const r = await post(url, valid(i), { 'x-api-key': KEY });
        if (r.status === 200) sentOk++;
      }
    };
    let stop = false;
    const rand = rng(7);
    const garbage = async () => {
      while (!stop) {
        if (sentGarbage >= n) await new Promise<void>((go) => paused.push(go));
        else {
          sentGarbage++;
          await sendRaw(port, hostileCase(rand, KEY));
        }
      }
    };
    const noise = Array.from({ length: 20 }, garbage);
    await Promise.all(Array.from({ length: 20 }, sender));
    stop = true;
    wake();
    await Promise.all(noise);
    expect(sentGarbage).toBeGreaterThan(900);
    const lines = child
      .out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { data?: { n?: number } });
    const valids = lines.filter((l) => typeof l.data?.n === 'number' && l.data.n >= 0);
    expect(sentOk).toBe(1000);
    expect(valids).toHaveLength(1000);
    expect(new Set(valids.map((l) => l.data!.n)).size).toBe(1000);
    // Byte for byte: the recorded body is what stdout printed (the sender's bytes, compacted).
    const recorded = fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => memberText(l, 'body'));
    const printed = child.out().trim().split('\n');
    expect(recorded.length).toBe(printed.length);
    expect(recorded.filter((r, i) => r !== printed[i])).toEqual([]);
    // A guard against a hang, not a speed bound: ~13 s alone on 2 cores, 70 s on a loaded machine.
  }, 180_000);
});
