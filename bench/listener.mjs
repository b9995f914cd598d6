// Target 3: `webhook listen --json > file` sustains >= 80% of the requests per second of a bare
// node:http server that only answers 200 (wrk from a second process, loopback), every 200 matched
// by exactly one line in the file; --record costs at most 30% more.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, KEY, ROOT, need, tmpdir, verdict } from './lib.mjs';

const CONNECTIONS = 32;
const SECONDS = 5;

async function serve(args, stdoutFile) {
  const out = stdoutFile ? fs.openSync(stdoutFile, 'w') : 'ignore';
  const child = spawn(process.execPath, args, { env: { ...process.env, GURUSUP_API_KEY: KEY, GURUSUP_CONFIG_DIR: tmpdir() }, stdio: ['ignore', out, 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  for (let i = 0; i < 500 && !/Listening on/.test(err); i++) await new Promise((r) => setTimeout(r, 10));
  const url = /Listening on (http:\/\/\S+)/.exec(err)?.[1];
  if (!url) throw new Error(`did not start: ${err}`);
  return {
    url,
    stop: () => new Promise((r) => (child.on('exit', r), child.kill('SIGINT'))),
  };
}

function wrk(url) {
  const r = spawnSync('wrk', ['-t2', `-c${CONNECTIONS}`, `-d${SECONDS}s`, '-s', path.join(ROOT, 'bench/events.lua'), url], {
    env: { ...process.env, GURUSUP_API_KEY: KEY },
    encoding: 'utf8',
  });
  const ok = Number(/OK200 (\d+)/.exec(r.stdout)?.[1] ?? NaN);
  const rps = Number(/RPS ([\d.]+)/.exec(r.stdout)?.[1] ?? NaN);
  return { ok, rps };
}

/** Every counted 200 has its line, no id twice; a few more lines are requests answered as wrk stopped. */
function checkLines(file, ok, pick = (o) => o) {
  const lines = fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean);
  const ids = new Set(lines.map((l) => pick(JSON.parse(l)).data.id));
  const fine = ids.size === lines.length && lines.length >= ok && lines.length <= ok + CONNECTIONS;
  if (!fine) console.log(`FAIL  ${path.basename(file)}: ${ok} answered 200, but ${lines.length} lines, ${ids.size} distinct events`);
  return fine;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** One wrk run against a fresh server; returns req/s, after checking the lines it wrote. */
async function round(kind, dir, n) {
  if (kind === 'bare') {
    const s = await serve([path.join(ROOT, 'bench/bare-server.mjs')]);
    const r = wrk(s.url);
    await s.stop();
    return { rps: r.rps, ok: true };
  }
  const out = path.join(dir, `${kind}-${n}.ndjson`);
  const rec = path.join(dir, `${kind}-${n}.record.ndjson`);
  const args = [BIN, 'webhook', 'listen', '--port', '0', '--json', ...(kind === 'record' ? ['--record', rec] : [])];
  const s = await serve(args, out);
  const r = wrk(s.url);
  await s.stop();
  const ok = checkLines(out, r.ok) && (kind !== 'record' || checkLines(rec, r.ok, (o) => o.body));
  return { rps: r.rps, ok };
}

export async function run() {
  need('wrk');
  const dir = tmpdir();
  let ok = true;
  // Rounds interleave the three servers so a noisy moment on the machine hits all of them.
  const rps = { bare: [], plain: [], record: [] };
  for (let n = 0; n < 3; n++) {
    for (const kind of ['bare', 'plain', 'record']) {
      const r = await round(kind, dir, n);
      rps[kind].push(r.rps);
      ok = r.ok && ok;
    }
  }
  const [bare, plain, record] = [median(rps.bare), median(rps.plain), median(rps.record)];
  console.log(`      req/s per round: bare ${rps.bare.map(Math.round).join(', ')}; listen ${rps.plain.map(Math.round).join(', ')}; --record ${rps.record.map(Math.round).join(', ')}`);
  ok = verdict('webhook listen --json > file vs bare node:http (req/s, median of 3)', { baseline: bare.toFixed(0), ours: plain.toFixed(0), ratio: bare / plain, limit: 1 / 0.8 }) && ok;
  ok = verdict('webhook listen --record cost (req/s, median of 3)', { baseline: plain.toFixed(0), ours: record.toFixed(0), ratio: plain / record, limit: 1.3 }) && ok;
  return ok;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
