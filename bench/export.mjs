// threads export against the sandbox with 2,000 threads x 20 messages: --concurrency 8 vs 1.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, KEY, makeSandboxData, startSandbox, tmpdir } from './lib.mjs';

export async function run({ threads = 2000, messages = 20, latencies = [0, 20] } = {}) {
  const dir = tmpdir();
  const data = path.join(dir, 'sandbox.json');
  await makeSandboxData(data, threads, messages);
  console.log(`export: sandbox with ${threads} threads x ${messages} messages (${(fs.statSync(data).size / 1e6).toFixed(1)} MB)`);
  let ok = true;
  for (const latency of latencies) {
    const sb = await startSandbox(data, ['--latency', String(latency)]);
    const env = { ...process.env, GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: sb.url, GURUSUP_CONFIG_DIR: dir };
    const time = (concurrency) => {
      const out = path.join(dir, `out-${latency}-${concurrency}.ndjson`);
      const t = performance.now();
      execFileSync(process.execPath, [BIN, 'threads', 'export', '--quiet', '--out', out, '--concurrency', String(concurrency)], { env });
      const s = (performance.now() - t) / 1000;
      const lines = fs.readFileSync(out, 'utf8').trim().split('\n').length;
      if (lines !== threads) {
        ok = false;
        console.log(`FAIL  export wrote ${lines} lines, expected ${threads}`);
      }
      return s;
    };
    const one = time(1);
    const eight = time(8);
    console.log(`      sandbox latency ${latency} ms: --concurrency 1 ${one.toFixed(2)} s, --concurrency 8 ${eight.toFixed(2)} s, speed-up ${(one / eight).toFixed(2)}x (${(threads / eight).toFixed(0)} threads/s)`);
    await sb.stop();
  }
  console.log(`${ok ? 'PASS' : 'FAIL'}  export: every thread written once`);
  return ok;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
