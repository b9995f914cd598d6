// Target 2: with 100,000 threads, `threads list --json > /dev/null` within 1.5x of `node -e 0` +
// `curl -s URL > /dev/null`; peak RSS within 3x the response size + a bare Node's RSS; piped
// (tab-separated) no slower than --json; the TTY table of 10,000 threads printed in under 1 s.
import { spawnSync } from 'node:child_process';
import { BIN, KEY, hyperfine, ms, need, startStatic, threadList, tmpdir, verdict } from './lib.mjs';

/** Peak RSS in MB of a command, from GNU time. */
function peakRss(cmd, env) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...cmd], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  return Number(r.stderr.trim().split('\n').pop()) / 1024;
}

export async function run() {
  need('hyperfine', 'curl', 'script', '/usr/bin/time');
  let ok = true;
  const big = await startStatic(threadList(100_000));
  const env = { GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: big.url, GURUSUP_CONFIG_DIR: tmpdir(), TERM: 'xterm' };
  try {
    console.log(`list: GET /threads of 100,000 threads is ${(big.size / 1e6).toFixed(1)} MB`);
    const [node, curl, json, tsv] = hyperfine(
      ['node -e 0', `curl -s ${big.url}/threads`, `node ${BIN} threads list --json`, `node ${BIN} threads list`],
      { env, runs: 10 },
    );
    ok = verdict('threads list --json (100,000 threads, wall)', { baseline: `${ms(node)} + curl ${ms(curl)}`, ours: ms(json), ratio: json / (node + curl), limit: 1.5 }) && ok;
    ok = verdict('threads list piped TSV vs --json', { baseline: ms(json), ours: ms(tsv), ratio: tsv / json, limit: 1.0 }) && ok;
    const bare = peakRss(['node', '-e', '0'], env);
    const ours = peakRss(['node', BIN, 'threads', 'list', '--json'], env);
    const allowed = (3 * big.size) / 1048576 + bare;
    ok = verdict('threads list --json peak RSS', { baseline: `3 x ${(big.size / 1048576).toFixed(1)} MB + bare ${bare.toFixed(0)} MB = ${allowed.toFixed(0)} MB`, ours: `${ours.toFixed(0)} MB`, ratio: ours / allowed, limit: 1.0 }) && ok;
  } finally {
    await big.stop();
  }
  const tenK = await startStatic(threadList(10_000));
  try {
    const tty = { ...env, GURUSUP_BASE_URL: tenK.url };
    const [pty, table] = hyperfine(
      ['script -qec "stty cols 200 rows 50; node -e 0" /dev/null', `script -qec "stty cols 200 rows 50; node ${BIN} threads list" /dev/null`],
      { env: tty, runs: 5, warmup: 1 },
    );
    ok = verdict('TTY table of 10,000 threads (seconds, on a pty)', { baseline: `pty + node -e 0 ${ms(pty)}`, ours: ms(table), ratio: table, limit: 1.0 }) && ok;
  } finally {
    await tenK.stop();
  }
  return ok;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
