// The listener (issue 13): `webhook listen --json > file` sustains >= 75 % of the req/s of a bare
// node:http server that reads the body and answers 200 (bench/bare-server.mjs), with zero loss.
// wrk -t2 -c32 (GURUSUP_BENCH_WRK_SECONDS, default 2 s) with bench/events.lua (unique ids, counts
// the 200s); each round starts both servers fresh, in a shuffled order. After each run every
// counted 200 has exactly one line in stdout's file, no id twice (bench/listen-lib.mjs).
import { need, paired, report } from './lib.mjs';
import { loss, lossVerdict, throughput } from './listen-lib.mjs';

export async function run() {
  need('wrk');
  loss.runs = 0;
  const { results, raw } = await paired(
    { bare: () => throughput('bare'), listen: () => throughput('plain') },
    [
      {
        name: 'webhook listen --json > file, req/s vs bare node:http (wrk -c32)',
        value: (t) => t.listen / t.bare,
        atLeast: 0.75,
      },
    ],
    { warmup: 0 },
  );
  console.log(`      medians: bare ${raw.bare.toFixed(0)} req/s, listen ${raw.listen.toFixed(0)} req/s`);
  const ok = report(results[0], { fmt: (x) => `${(x * 100).toFixed(0)}`, unit: ' %' });
  return lossVerdict() && ok;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
