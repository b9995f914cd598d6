// Target (issue 12): an interactive command on a terminal pays nothing for its spinner when the
// answer comes fast. `threads list` of 10 threads on a pty (`script`, 80 columns) against
// a pty + `node -e 0` + `curl` of the same URL; also with --quiet (no spinner at all), which the
// default run should now match. GURUSUP_BENCH_BIN=<path to another bin/gurusup.js> measures
// another build the same way (the "before" figures in BENCHMARKS.md).
import { BIN, KEY, ms, need, paired, report, startStatic, threadList, tmpdir } from './lib.mjs';

export async function run() {
  need('curl', 'script');
  const bin = process.env.GURUSUP_BENCH_BIN || BIN;
  const server = await startStatic(threadList(10));
  // Issue 22: threads with a time column and an ASCII subject too long for 100 columns (a cut
  // cell), which used to load string-width (+23 ms) to measure the cut cell's "…".
  const recent = new Date(Date.now() - 3 * 3600_000).toISOString();
  const cut = await startStatic(
    JSON.stringify(
      JSON.parse(threadList(10)).map((t, i) => ({
        ...t,
        subject: `Order ${i} arrived damaged and the customer asks for a refund or a replacement`,
        updated_at: recent,
      })),
    ),
  );
  const env = {
    GURUSUP_API_KEY: KEY,
    GURUSUP_BASE_URL: server.url,
    GURUSUP_CONFIG_DIR: tmpdir(),
    TERM: 'xterm-256color',
  };
  const onPty = (cmd) => ['script', '-qec', `stty cols 80 rows 24; ${cmd}`, '/dev/null'];
  const onPty100 = (cmd) => ['script', '-qec', `stty cols 100 rows 24; ${cmd}`, '/dev/null'];
  try {
    const { results, raw } = await paired(
      {
        base: onPty(`node -e 0; curl -s ${server.url}/threads > /dev/null`),
        cutBase: onPty100(`node -e 0; curl -s ${cut.url}/threads > /dev/null`),
        cut: onPty100(`node ${bin} threads list`),
        list: onPty(`node ${bin} threads list`),
        quiet: onPty(`node ${bin} threads list --quiet`),
      },
      [
        {
          name: 'threads list on a pty (10 threads) vs pty + node -e 0 + curl',
          value: (t) => t.list / t.base,
          limit: 1.2,
        },
        { name: 'threads list on a pty vs --quiet (no spinner)', value: (t) => t.list / t.quiet, limit: 1.05 },
        {
          name: 'threads list on a 100-column pty, time column and a cut cell, vs pty + node -e 0 + curl',
          value: (t) => t.cut / t.cutBase,
          limit: 1.2,
        },
      ],
      { env },
    );
    console.log(
      `      medians: pty + node -e 0 + curl ${ms(raw.base)}, threads list ${ms(raw.list)}, --quiet ${ms(raw.quiet)}`,
    );
    return results.map((r) => report(r)).every(Boolean);
  } finally {
    await server.stop();
    await cut.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
