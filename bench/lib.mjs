// Shared helpers for the benchmarks: loopback servers, data, hyperfine, and the verdict line.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BIN = path.join(ROOT, 'bin/gurusup.js');
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
        body: j % 2 ? `Reply ${j} in thread ${i}: orders ship within 24 hours.` : `Question ${j} from the customer in thread ${i}?`,
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
  return JSON.stringify(Array.from({ length: n }, (_, i) => {
    const fid = `bench-thread-${i}`;
    return { thread: md5(fid), thread_fid: fid, subject: `Subject ${i}`, user_fid: `cust-${i}`, message_count: 20, created_at: '2024-01-01T00:00:00.000Z', updated_at: '2024-01-01T00:10:00.000Z' };
  }));
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
        resolve({ child, match: m, stop: () => new Promise((r) => (child.exitCode !== null ? r() : (child.on('exit', r), child.kill('SIGINT')))) });
      }
    }, 10);
    child.on('exit', (code) => {
      clearInterval(iv);
      reject(new Error(`${args.join(' ')} exited ${code}: ${err}`));
    });
  });
}

export async function startSandbox(dataFile, extra = []) {
  const p = await startProcess([BIN, 'sandbox', '--port', '0', '--quiet', '--api-key', KEY, ...(dataFile ? ['--data', dataFile] : []), ...extra], /sandbox on (http:\/\/\S+)/);
  return { ...p, url: p.match[1] };
}

/** Runs hyperfine and returns the median seconds of each command, in order. */
export function hyperfine(commands, { runs = 10, warmup = 2, env = {} } = {}) {
  const dir = tmpdir();
  const json = path.join(dir, 'h.json');
  const args = ['-N', '--warmup', String(warmup), '--runs', String(runs), '--export-json', json, '--style', 'basic', ...commands];
  const r = spawnSync('hyperfine', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`hyperfine failed (${r.status})`);
  const results = JSON.parse(fs.readFileSync(json, 'utf8')).results;
  return results.map((x) => x.median);
}

export const ms = (s) => `${(s * 1000).toFixed(1)} ms`;

/** Prints one target's figures and returns whether it was met. */
export function verdict(name, { baseline, ours, ratio, limit, unit = '' }) {
  const ok = ratio <= limit;
  console.log(`${ok ? 'PASS' : 'FAIL'}  ${name}: baseline ${baseline}${unit}, ours ${ours}${unit}, ratio ${ratio.toFixed(2)} (target <= ${limit})`);
  return ok;
}

/** Serves a fixed JSON body from another process (the measuring process must stay free). */
export async function startStatic(body) {
  const file = path.join(tmpdir(), 'body.json');
  fs.writeFileSync(file, body);
  const p = await startProcess([path.join(ROOT, 'bench/static-server.mjs'), file], /static server on (http:\/\/\S+)/);
  return { ...p, url: p.match[1], size: Buffer.byteLength(body) };
}
