// threads export (issue 13). 2,000 threads x 20 messages from `gurusup sandbox`, --concurrency 8,
// no added latency: within 1.3x of a minimal Node script fetching the same URLs 8 at a time
// (bench/floor-export.cjs). 200 threads with `sandbox --latency 20`: within 1.15x of
// `curl --parallel --parallel-max 8` of the same URLs (the list, then every thread).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, KEY, ROOT, makeSandboxData, ms, need, paired, report, startSandbox, tmpdir } from './lib.mjs';

async function one({ threads, messages, latency, dir }) {
  const data = path.join(dir, `sandbox-${threads}.json`);
  await makeSandboxData(data, threads, messages);
  const sb = await startSandbox(data, ['--latency', String(latency)]);
  const env = { GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: sb.url, GURUSUP_CONFIG_DIR: dir };
  const out = path.join(dir, `out-${threads}.ndjson`);
  const floorOut = path.join(dir, `floor-${threads}.ndjson`);
  // curl's config: the list, then each thread, with the key; bodies discarded like the floor's.
  const cfg = path.join(dir, `curl-${threads}.cfg`);
  const urls = [
    `${sb.url}/threads`,
    ...Array.from(
      { length: threads },
      (_, i) => `${sb.url}/threads/${createHash('md5').update(`bench-thread-${i}`).digest('hex')}`,
    ),
  ];
  fs.writeFileSync(
    cfg,
    `header = "x-api-key: ${KEY}"\n${urls.map((u) => `url = "${u}"\noutput = "/dev/null"\n`).join('')}`,
  );
  return { sb, env, out, floorOut, cfg, size: fs.statSync(data).size };
}

export async function run() {
  need('curl');
  const dir = tmpdir();
  let ok = true;
  const check = (file, n) => {
    const lines = fs.readFileSync(file, 'utf8').split('\n').length - 1;
    if (lines !== n) {
      ok = false;
      console.log(`FAIL  ${path.basename(file)}: ${lines} lines, expected ${n}`);
    }
  };
  const skipFast = process.env.GURUSUP_BENCH_EXPORT === 'latency';
  const fast = skipFast ? undefined : await one({ threads: 2000, messages: 20, latency: 0, dir });
  if (fast)
    console.log(
      `export: sandbox with 2,000 threads x 20 messages (${(fast.size / 1e6).toFixed(1)} MB), no added latency`,
    );
  if (fast)
    try {
      const { results, raw } = await paired(
        {
          ours: () => {
            const t = time(
              ['node', BIN, 'threads', 'export', '--quiet', '--out', fast.out, '--concurrency', '8'],
              fast.env,
            );
            check(fast.out, 2000);
            return t;
          },
          floor: () => {
            const t = time(
              ['node', path.join(ROOT, 'bench/floor-export.cjs'), fast.sb.url, fast.floorOut, '8'],
              fast.env,
            );
            check(fast.floorOut, 2000);
            return t;
          },
        },
        [
          {
            name: 'threads export, 2,000 x 20, concurrency 8, vs a minimal Node script 8 at a time',
            value: (t) => t.ours / t.floor,
            limit: 1.3,
          },
        ],
        { warmup: 1 },
      );
      console.log(`      medians: ours ${ms(raw.ours)}, floor script ${ms(raw.floor)}`);
      ok = results.map((r) => report(r)).every(Boolean) && ok;
    } finally {
      await fast?.sb.stop();
    }
  const slow = await one({ threads: 200, messages: 20, latency: 20, dir });
  console.log('export: 200 threads x 20 messages, sandbox --latency 20');
  try {
    const { results, raw } = await paired(
      {
        ours: () => {
          const t = time(
            ['node', BIN, 'threads', 'export', '--quiet', '--out', slow.out, '--concurrency', '8'],
            slow.env,
          );
          check(slow.out, 200);
          return t;
        },
        curl: () => time(['curl', '-s', '--fail', '--parallel', '--parallel-max', '8', '--config', slow.cfg], slow.env),
        // Not a target: the minimal Node script (list first, then 8 at a time), the floor of
        // any Node program that must read the list before it can ask for the threads.
        floor: () =>
          time(['node', path.join(ROOT, 'bench/floor-export.cjs'), slow.sb.url, slow.floorOut, '8'], slow.env),
      },
      [
        {
          name: 'threads export, 200 threads, sandbox --latency 20, concurrency 8, vs curl --parallel-max 8',
          value: (t) => t.ours / t.curl,
          limit: 1.15,
        },
        {
          name: 'the floor: the minimal Node script, same sandbox, vs curl --parallel-max 8',
          value: (t) => t.floor / t.curl,
          limit: Infinity,
        },
        { name: 'ours vs the minimal Node script', value: (t) => t.ours / t.floor, limit: Infinity },
      ],
      { warmup: 1 },
    );
    console.log(
      `      medians: ours ${ms(raw.ours)}, curl --parallel ${ms(raw.curl)} (all URLs at once, the list among them), minimal Node script ${ms(raw.floor)}`,
    );
    const [target, ...infos] = results;
    for (const i of infos)
      console.log(
        `info  ${i.name}: ${i.figure.toFixed(2)}x (spread ${i.spread[0].toFixed(2)}–${i.spread[1].toFixed(2)}x)`,
      );
    ok = report(target) && ok;
  } finally {
    await slow.sb.stop();
  }
  return ok;
}

function time(argv, env) {
  const t = performance.now();
  const r = spawnSyncChecked(argv, env);
  return (performance.now() - t) / 1000 + r;
}

import { spawnSync } from 'node:child_process';
function spawnSyncChecked(argv, env) {
  const r = spawnSync(argv[0], argv.slice(1), { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.status !== 0) throw new Error(`${argv.join(' ')} exited ${r.status}: ${String(r.stderr).slice(0, 300)}`);
  return 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
