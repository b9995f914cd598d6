// Shared by bench/listener.mjs and bench/record.mjs. The listener (issue 13). wrk -t2 -c32 from a second process with bench/events.lua (unique ids,
// counts the 200s), against three servers started fresh each round in a shuffled order: a bare
// node:http server that reads the body and answers 200 (bench/bare-server.mjs), `webhook listen
// --json > file`, and the same with --record. Targets: listen >= 75 % of bare; --record (32
// senders) <= 1.30x listen. Then one sender, sequential (bench/seq-sender.cjs): the p50 latency
// --record adds over listen, against one fdatasync of a line measured in the same round on the same
// disk: added <= fdatasync + 0.2 ms. Zero loss: after each run every counted 200 has exactly one
// line in stdout's file (and in the record), no id twice.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, KEY, ROOT, median, tmpdir } from './lib.mjs';

const CONNECTIONS = 32;
const SECONDS = Number(process.env.GURUSUP_BENCH_WRK_SECONDS) || 2;

async function serve(args, stdoutFile) {
  const out = stdoutFile ? fs.openSync(stdoutFile, 'w') : 'ignore';
  const child = spawn(process.execPath, args, {
    env: { ...process.env, GURUSUP_API_KEY: KEY, GURUSUP_CONFIG_DIR: tmpdir() },
    stdio: ['ignore', out, 'pipe'],
  });
  if (typeof out === 'number') fs.closeSync(out);
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  for (let i = 0; i < 500 && !/Listening on/.test(err); i++) await new Promise((r) => setTimeout(r, 10));
  const url = /Listening on (http:\/\/\S+)/.exec(err)?.[1];
  if (!url) throw new Error(`did not start: ${err}`);
  return {
    url,
    stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.on('exit', r), child.kill('SIGINT')))),
  };
}

function wrk(url) {
  const r = spawnSync(
    'wrk',
    ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '-s', path.join(ROOT, 'bench/events.lua'), url],
    { env: { ...process.env, GURUSUP_API_KEY: KEY }, encoding: 'utf8' },
  );
  return {
    ok: Number(/OK200 (\d+)/.exec(r.stdout)?.[1] ?? NaN),
    rps: Number(/RPS ([\d.]+)/.exec(r.stdout)?.[1] ?? NaN),
  };
}

export const loss = { runs: 0 };
/** Every counted 200 has its line, no id twice; a few more lines are requests answered as wrk stopped. */
function checkLines(file, ok, pick = (o) => o) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  if (lines.pop() !== '') loss.runs++;
  const ids = new Set(lines.map((l) => pick(JSON.parse(l)).data.id));
  const fine = ids.size === lines.length && lines.length >= ok && lines.length <= ok + CONNECTIONS;
  if (!fine) {
    loss.runs++;
    console.log(
      `FAIL  ${path.basename(file)}: ${ok} answered 200, but ${lines.length} lines, ${ids.size} distinct events`,
    );
  }
  fs.rmSync(file, { force: true });
}

const dir = tmpdir();
let n = 0;
export async function throughput(kind) {
  n++;
  if (kind === 'bare') {
    const s = await serve([path.join(ROOT, 'bench/bare-server.mjs')]);
    const r = wrk(s.url);
    await s.stop();
    return r.rps;
  }
  if (kind === 'floor-record') {
    const file = path.join(dir, `floor-${n}.ndjson`);
    const s = await serve([path.join(ROOT, 'bench/floor-record.mjs'), file]);
    const r = wrk(s.url);
    await s.stop();
    checkLines(file, r.ok);
    return r.rps;
  }
  const out = path.join(dir, `${kind}-${n}.ndjson`);
  const rec = path.join(dir, `${kind}-${n}.record.ndjson`);
  const s = await serve(
    [BIN, 'webhook', 'listen', '--port', '0', '--json', ...(kind === 'record' ? ['--record', rec] : [])],
    out,
  );
  const r = wrk(s.url);
  await s.stop();
  checkLines(out, r.ok);
  if (kind === 'record') checkLines(rec, r.ok, (o) => o.body);
  return r.rps;
}

export async function sequential(record) {
  n++;
  const out = path.join(dir, `seq-${n}.ndjson`);
  const rec = path.join(dir, `seq-${n}.record.ndjson`);
  const s = await serve([BIN, 'webhook', 'listen', '--port', '0', '--json', ...(record ? ['--record', rec] : [])], out);
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bench/seq-sender.cjs'), s.url, '200'], {
    env: { ...process.env, GURUSUP_API_KEY: KEY },
    encoding: 'utf8',
  });
  await s.stop();
  const ok = Number(/OK (\d+)/.exec(r.stdout)?.[1]);
  checkLines(out, ok);
  if (record) checkLines(rec, ok, (o) => o.body);
  return Number(/P50 ([\d.]+)/.exec(r.stdout)?.[1]) / 1000;
}

/** One fdatasync of a line appended to a file in the same directory as the record: p50 of 200. */
export function fsyncCost() {
  const file = path.join(dir, 'fsync-probe.ndjson');
  const fd = fs.openSync(file, 'a');
  const line = Buffer.from(`${'x'.repeat(300)}\n`);
  const times = [];
  for (let i = 0; i < 200; i++) {
    const t = performance.now();
    fs.writeSync(fd, line);
    fs.fdatasyncSync(fd);
    times.push(performance.now() - t);
  }
  fs.closeSync(fd);
  fs.rmSync(file);
  return median(times) / 1000;
}

export function lossVerdict() {
  if (loss.runs) {
    console.log(`FAIL  zero loss: ${loss.runs} run(s) lost or duplicated an acknowledged event`);
    return false;
  }
  console.log('PASS  zero loss: every 200 has exactly one line on stdout (and in the record), in every run');
  return true;
}
