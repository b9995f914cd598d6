// Target (issue 12): an interactive command on a terminal pays nothing for its spinner when the
// answer comes fast. `threads list` of 10 threads on a pty (`script`, 80 columns) against
// a pty + `node -e 0` + `curl` of the same URL; also with --quiet (no spinner at all), which the
// default run should now match. GURUSUP_BENCH_BIN=<path to another bin/gurusup.js> measures
// another build the same way (the "before" figures in BENCHMARKS.md).
import { BIN, KEY, hyperfine, ms, need, startStatic, threadList, tmpdir, verdict } from './lib.mjs';

export async function run() {
  need('hyperfine', 'curl', 'script');
  const bin = process.env.GURUSUP_BENCH_BIN || BIN;
  const server = await startStatic(threadList(10));
  const env = { GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url, GURUSUP_CONFIG_DIR: tmpdir(), TERM: 'xterm-256color' };
  const onPty = (cmd) => `script -qec "stty cols 80 rows 24; ${cmd}" /dev/null`;
  try {
    const [base, list, quiet] = hyperfine(
      [onPty(`node -e 0; curl -s ${server.url}/threads > /dev/null`), onPty(`node ${bin} threads list`), onPty(`node ${bin} threads list --quiet`)],
      { env, runs: 30, warmup: 3 },
    );
    const a = verdict('threads list on a pty (10 threads)', { baseline: `pty + node -e 0 + curl ${ms(base)}`, ours: ms(list), ratio: list / base, limit: 1.25 });
    const b = verdict('threads list on a pty vs --quiet (no spinner)', { baseline: ms(quiet), ours: ms(list), ratio: list / quiet, limit: 1.05 });
    return a && b;
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
