// webhook listen --record (issue 13). 32 senders (wrk -t2 -c32): req/s of listen over req/s with
// --record <= 1.30 (group commit: one write + one fdatasync per batch). One sender, sequential
// (bench/seq-sender.cjs, 200 POSTs): the p50 latency --record adds over listen, minus one
// fdatasync of a line measured in the same round on the same disk, <= 0.2 ms. Zero loss in the
// record file as on stdout. The floor, in the same rounds: bare node:http against the same server
// doing only what --record adds (bench/floor-record.mjs).
import { need, paired, report } from './lib.mjs';
import { fsyncCost, loss, lossVerdict, sequential, throughput } from './listen-lib.mjs';

export async function run() {
  need('wrk');
  loss.runs = 0;
  const { results, raw } = await paired(
    {
      listen: () => throughput('plain'),
      record: () => throughput('record'),
      bare: () => throughput('bare'),
      floor: () => throughput('floor-record'),
      seqListen: () => sequential(false),
      seqRecord: () => sequential(true),
      fsync: () => fsyncCost(),
    },
    [
      {
        name: 'webhook listen --record, 32 senders: req/s of listen / req/s with --record',
        value: (t) => t.listen / t.record,
        limit: 1.3,
      },
      {
        name: 'the floor: bare node:http / the same + one write and fdatasync per turn before the 200s (bench/floor-record.mjs)',
        value: (t) => t.bare / t.floor,
        info: true,
      },
      {
        name: '--record, 1 sender sequential: added p50 latency minus one fdatasync',
        value: (t) => (t.seqRecord - t.seqListen - t.fsync) * 1000,
        limit: 0.2,
        ms: true,
      },
    ],
    { warmup: 0 },
  );
  console.log(
    `      medians: listen ${raw.listen.toFixed(0)} req/s, --record ${raw.record.toFixed(0)} req/s, bare ${raw.bare.toFixed(0)} req/s, bare + fdatasync ${raw.floor.toFixed(0)} req/s; sequential p50 listen ${(raw.seqListen * 1000).toFixed(3)} ms, --record ${(raw.seqRecord * 1000).toFixed(3)} ms; fdatasync of a line (same run, same disk) ${(raw.fsync * 1000).toFixed(3)} ms`,
  );
  const ok = results
    .map((r) =>
      r.info
        ? (console.log(
            `info  ${r.name}: ${r.figure.toFixed(2)}x (spread ${r.spread[0].toFixed(2)}–${r.spread[1].toFixed(2)}x)`,
          ),
          true)
        : report(r, r.ms ? { fmt: (x) => x.toFixed(3), unit: ' ms' } : {}),
    )
    .every(Boolean);
  return lossVerdict() && ok;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
