// The inspector (issue 26): `webhook listen --json > file` with and without --inspect, and with a
// page's stream open. Two measures per run, each with wrk (bench/events.lua) against a listener
// started fresh, the kinds in a shuffled order each round:
//  - req/s with wrk -t2 -c32 (as bench/listener.mjs), target: --inspect >= 90 % of listen;
//  - CPU per accepted event (the listener process's user+sys from /proc, wrk -t1 -c8), which a
//    machine busy with other work disturbs less than req/s.
// Run on its own: `node bench/inspect.mjs` (GURUSUP_BENCH_ROUNDS, default 6). Linux only (/proc).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { BIN, KEY, ROOT, median, need, shuffle, tmpdir } from './lib.mjs';

const ROUNDS = Number(process.env.GURUSUP_BENCH_ROUNDS) || 6;
const SECONDS = Number(process.env.GURUSUP_BENCH_WRK_SECONDS) || 2;
const dir = tmpdir();

const KINDS = {
  listen: [],
  inspect: ['--inspect', '0'],
  'inspect + page': ['--inspect', '0'],
};

function cpuTicks(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]);
}

async function serve(extra) {
  const out = fs.openSync(path.join(dir, 'out.ndjson'), 'w');
  const child = spawn(process.execPath, [BIN, 'webhook', 'listen', '--port', '0', '--json', ...extra], {
    env: { ...process.env, GURUSUP_API_KEY: KEY, GURUSUP_CONFIG_DIR: tmpdir() },
    stdio: ['ignore', out, 'pipe'],
  });
  fs.closeSync(out);
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const ready = () => /Listening on/.test(err) && (!extra.length || /Inspector on/.test(err));
  for (let i = 0; i < 500 && !ready(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ready()) throw new Error(`did not start: ${err}`);
  return {
    pid: child.pid,
    url: /Listening on (\S+)/.exec(err)[1],
    inspect: /Inspector on (\S+)/.exec(err)?.[1],
    stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.on('exit', r), child.kill('SIGINT')))),
  };
}

function wrk(url, threads, connections) {
  const r = spawnSync(
    'wrk',
    [`-t${threads}`, `-c${connections}`, `-d${SECONDS}s`, '-s', path.join(ROOT, 'bench/events.lua'), url],
    { env: { ...process.env, GURUSUP_API_KEY: KEY }, encoding: 'utf8' },
  );
  return { ok: Number(/OK200 (\d+)/.exec(r.stdout)?.[1]), rps: Number(/RPS ([\d.]+)/.exec(r.stdout)?.[1]) };
}

/** A page: the stream read as fast as it comes. */
function openPage(inspect) {
  return new Promise((resolve) => {
    const req = http.get(`${inspect}api/stream`, (res) => {
      res.resume();
      resolve(() => req.destroy());
    });
    req.on('error', () => {});
  });
}

export async function run() {
  need('wrk');
  const rps = Object.fromEntries(Object.keys(KINDS).map((k) => [k, []]));
  const cpu = Object.fromEntries(Object.keys(KINDS).map((k) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const kind of shuffle(Object.keys(KINDS))) {
      const s = await serve(KINDS[kind]);
      const close = kind.endsWith('page') ? await openPage(s.inspect) : undefined;
      rps[kind].push(wrk(s.url, 2, 32).rps);
      const before = cpuTicks(s.pid);
      const { ok } = wrk(s.url, 1, 8);
      // 100 ticks a second: microseconds of CPU per accepted event.
      cpu[kind].push(((cpuTicks(s.pid) - before) * 10_000) / ok);
      close?.();
      await s.stop();
    }
  }
  const base = { rps: median(rps.listen), cpu: median(cpu.listen) };
  let ok = true;
  for (const kind of Object.keys(KINDS)) {
    const share = median(rps[kind]) / base.rps;
    console.log(
      `${kind.padEnd(15)} ${median(rps[kind]).toFixed(0).padStart(6)} req/s (${(share * 100).toFixed(0)} % of listen)` +
        `   ${median(cpu[kind]).toFixed(1).padStart(5)} us CPU/event (${((median(cpu[kind]) / base.cpu) * 100).toFixed(0)} %)`,
    );
    if (kind === 'inspect' && share < 0.9) ok = false;
  }
  console.log(`${ok ? 'PASS' : 'FAIL'}  --inspect (no page) >= 90 % of listen's req/s`);
  return ok;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
