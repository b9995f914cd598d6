// Shared helpers for the benchmarks: loopback servers, data, hyperfine, and the verdict line.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** The CLI measured: this worktree's build, or another (GURUSUP_BENCH_BIN=/path/to/bin/gurusup.js, the "before" figures). */
export const BIN = process.env.GURUSUP_BENCH_BIN || path.join(ROOT, 'bin/gurusup.js');
export const KEY = 'gsk_bench_local_key_0123456789';

/** Says what is missing instead of installing anything. */
export function need(...tools) {
  const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0);
  if (missing.length) {
    console.error(`missing: ${missing.join(', ')} — install with: apt-get install ${missing.join(' ')}`);
    process.exit(2);
  }
}

export function tmpdir(prefix = 'gurusup-bench-') {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

const md5 = (s) => createHash('md5').update(s).digest('hex');

/** A sandbox --data file with `threads` threads of `messages` messages each. */
export function makeSandboxData(file, threads, messages) {
  const out = fs.createWriteStream(file);
  const t0 = Date.UTC(2024, 0, 1);
  let buf = '{"threads":[';
  for (let i = 0; i < threads; i++) {
    const fid = `bench-thread-${i}`;
    const msgs = [];
    for (let j = 0; j < messages; j++) {
      const at = new Date(t0 + i * 60_000 + j * 1000).toISOString();
      msgs.push({
        _id: (i * 1000 + j).toString(16).padStart(24, '0'),
        body:
          j % 2
            ? `Reply ${j} in thread ${i}: orders ship within 24 hours.`
            : `Question ${j} from the customer in thread ${i}?`,
        thread_fid: fid,
        user_fid: j % 2 ? 'gurusup-ai' : `cust-${i}`,
        lang: 'en',
        is_customer_support_agent: j % 2 === 1,
        created_at: at,
        updated_at: at,
      });
    }
    const last = msgs.length ? msgs[msgs.length - 1].created_at : new Date(t0).toISOString();
    buf += `${i ? ',' : ''}${JSON.stringify({ thread_fid: fid, subject: `Subject ${i}`, user_fid: `cust-${i}`, lang: 'en', created_at: msgs[0]?.created_at ?? last, updated_at: last, messages: msgs })}`;
    if (buf.length > 1 << 20) {
      out.write(buf);
      buf = '';
    }
  }
  out.end(`${buf}]}`);
  return new Promise((resolve) => out.on('finish', resolve));
}

/** A GET /threads body of `n` threads, as a static server would serve it. */
export function threadList(n) {
  return JSON.stringify(
    Array.from({ length: n }, (_, i) => {
      const fid = `bench-thread-${i}`;
      return {
        thread: md5(fid),
        thread_fid: fid,
        subject: `Subject ${i}`,
        user_fid: `cust-${i}`,
        message_count: 20,
        created_at: '2024-01-01T00:00:00.000Z',
        updated_at: '2024-01-01T00:10:00.000Z',
      };
    }),
  );
}

/** Starts a process and resolves once its stderr matches `re`. */
export function startProcess(args, re, env = {}) {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  return new Promise((resolve, reject) => {
    const iv = setInterval(() => {
      const m = err.match(re);
      if (m) {
        clearInterval(iv);
        resolve({
          child,
          match: m,
          stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.on('exit', r), child.kill('SIGINT')))),
        });
      }
    }, 10);
    child.on('exit', (code) => {
      clearInterval(iv);
      reject(new Error(`${args.join(' ')} exited ${code}: ${err}`));
    });
  });
}

export async function startSandbox(dataFile, extra = []) {
  const p = await startProcess(
    [BIN, 'sandbox', '--port', '0', '--quiet', '--api-key', KEY, ...(dataFile ? ['--data', dataFile] : []), ...extra],
    /sandbox on (http:\/\/\S+)/,
  );
  return { ...p, url: p.match[1] };
}

/**
 * The paired method (issue 13). The machine is shared and drifts by ±20 % from one minute to the
 * next, more than the margins we care about, so nothing is compared across minutes: every round
 * runs each measure once, in a shuffled order, and the figure of a target is the per-round value
 * (a ratio of this round's times, or a difference) — the median over all rounds. That is done in
 * `sets` sets of `rounds` rounds; the spread printed beside the figure is the min–max of the
 * three sets' medians, and a target is met only when the worse end of the spread meets it.
 *
 * `env` adds variables to every run (undefined removes one).
 * `measures` maps a name to what one run is: a command line (string, run by `sh -c`), an argv
 * array (run directly), `{ cmd, env }` (either, with variables added), or a function returning a number (seconds, or whatever it measures).
 * `targets` compute one number per round from that round's values (`t.name`).
 * GURUSUP_BENCH_ROUNDS / GURUSUP_BENCH_SETS shorten a run while developing (the figures in
 * BENCHMARKS.md are from the defaults, 20 x 3).
 */
export async function paired(
  measures,
  targets,
  {
    rounds = Number(process.env.GURUSUP_BENCH_ROUNDS) || 20,
    sets = Number(process.env.GURUSUP_BENCH_SETS) || 3,
    warmup = 2,
    env = {},
  } = {},
) {
  const names = Object.keys(measures);
  const runEnv = { ...process.env, ...env };
  // A variable given as undefined is removed (the start-up rows without NODE_EXTRA_CA_CERTS).
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete runEnv[k];
  const once = async (name) => {
    let m = measures[name];
    if (typeof m === 'function') return m();
    let extraEnv;
    if (!Array.isArray(m) && typeof m === 'object') [m, extraEnv] = [m.cmd, m.env];
    const [cmd, args] = Array.isArray(m) ? [m[0], m.slice(1)] : ['sh', ['-c', m]];
    const t = performance.now();
    const r = spawnSync(cmd, args, {
      env: extraEnv ? { ...runEnv, ...extraEnv } : runEnv,
      stdio: ['ignore', 'ignore', 'pipe'],
      maxBuffer: 64 << 20,
    });
    const s = (performance.now() - t) / 1000;
    if (r.status !== 0)
      throw new Error(
        `${name} (${Array.isArray(m) ? m.join(' ') : m}) exited ${r.status}: ${String(r.stderr).slice(0, 500)}`,
      );
    return s;
  };
  for (let w = 0; w < warmup; w++) for (const n of names) await once(n);
  const perSet = targets.map(() => []);
  const raw = Object.fromEntries(names.map((n) => [n, []]));
  for (let set = 0; set < sets; set++) {
    const values = targets.map(() => []);
    for (let r = 0; r < rounds; r++) {
      const t = {};
      for (const n of shuffle([...names])) t[n] = await once(n);
      for (const n of names) raw[n].push(t[n]);
      targets.forEach((tg, i) => values[i].push(tg.value(t)));
    }
    values.forEach((v, i) => perSet[i].push(v));
  }
  const results = targets.map((tg, i) => {
    const all = perSet[i].flat();
    const medians = perSet[i].map(median);
    return { ...tg, figure: median(all), spread: [Math.min(...medians), Math.max(...medians)], medians };
  });
  return { results, raw: Object.fromEntries(names.map((n) => [n, median(raw[n])])) };
}

export function shuffle(xs) {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [xs[i], xs[j]] = [xs[j], xs[i]];
  }
  return xs;
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Prints a paired result: PASS/FAIL, the figure with its spread, what it compares, the target.
 * `at most` targets are met when the upper end of the spread is within the limit, `at least`
 * ones when the lower end is.
 */
export function report(r, { fmt = (x) => x.toFixed(2), unit = 'x', detail = '' } = {}) {
  const atLeast = r.atLeast !== undefined;
  const limit = atLeast ? r.atLeast : r.limit;
  const worse = atLeast ? r.spread[0] : r.spread[1];
  const ok = atLeast ? worse >= limit : worse <= limit;
  console.log(
    `${ok ? 'PASS' : 'FAIL'}  ${r.name}: ${fmt(r.figure)}${unit} (spread ${fmt(r.spread[0])}–${fmt(r.spread[1])}${unit}) target ${atLeast ? '>=' : '<='} ${fmt(limit)}${unit}${detail ? `; ${detail}` : ''}`,
  );
  return ok;
}

/** Runs hyperfine and returns the median seconds of each command, in order (kept for one-off use). */
export function hyperfine(commands, { runs = 10, warmup = 2, env = {} } = {}) {
  const dir = tmpdir();
  const json = path.join(dir, 'h.json');
  const args = [
    '-N',
    '--warmup',
    String(warmup),
    '--runs',
    String(runs),
    '--export-json',
    json,
    '--style',
    'basic',
    ...commands,
  ];
  const r = spawnSync('hyperfine', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`hyperfine failed (${r.status})`);
  const results = JSON.parse(fs.readFileSync(json, 'utf8')).results;
  return results.map((x) => x.median);
}

export const ms = (s) => `${(s * 1000).toFixed(1)} ms`;

/** A one-off figure without a spread (peak RSS, a fixed wall-clock limit): PASS/FAIL and the numbers. */
export function verdict(name, { baseline, ours, ratio, limit, unit = '' }) {
  const ok = ratio <= limit;
  console.log(
    `${ok ? 'PASS' : 'FAIL'}  ${name}: baseline ${baseline}${unit}, ours ${ours}${unit}, figure ${ratio.toFixed(2)} (target <= ${limit})`,
  );
  return ok;
}

/** Serves a fixed JSON body from another process (the measuring process must stay free). */
export async function startStatic(body) {
  const file = path.join(tmpdir(), 'body.json');
  fs.writeFileSync(file, body);
  const p = await startProcess([path.join(ROOT, 'bench/static-server.mjs'), file], /static server on (http:\/\/\S+)/);
  return { ...p, url: p.match[1], size: Buffer.byteLength(body) };
}
