// Big lists (issue 13). With 100,000 threads (23 MB): `threads list --json` (stdout not a
// terminal) within 1.40x of `node -e 0` + `curl` of the same URL, and peak RSS <= 50 MB (the
// pass-through streams); the piped TSV listing within 1.10x of a minimal Node script doing the
// same work (bench/floor-tsv.cjs: one GET, JSON.parse, md5, TSV out).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { BIN, KEY, ROOT, median, ms, need, paired, report, startStatic, threadList, tmpdir, verdict } from './lib.mjs';

/** Peak RSS in MB of a command, from GNU time. */
export function peakRss(cmd, env) {
  const r = spawnSync('/usr/bin/time', ['-f', '%M', ...cmd], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  return Number(r.stderr.trim().split('\n').pop()) / 1024;
}

export async function run() {
  need('curl', '/usr/bin/time');
  let ok = true;
  const big = await startStatic(threadList(100_000));
  const env = { GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: big.url, GURUSUP_CONFIG_DIR: tmpdir() };
  try {
    console.log(`list: GET /threads of 100,000 threads is ${(big.size / 1e6).toFixed(1)} MB`);
    const { results, raw } = await paired(
      {
        node: ['node', '-e', '0'],
        curl: ['curl', '-s', '-o', '/dev/null', `${big.url}/threads`],
        json: ['node', BIN, 'threads', 'list', '--json'],
        tsv: ['node', BIN, 'threads', 'list'],
        floor: ['node', path.join(ROOT, 'bench/floor-tsv.cjs'), `${big.url}/threads`],
        stream: ['node', path.join(ROOT, 'bench/floor-stream.cjs'), `${big.url}/threads`],
      },
      [
        {
          name: 'threads list --json, 100,000 threads, vs node -e 0 + curl',
          value: (t) => t.json / (t.node + t.curl),
          limit: 1.4,
        },
        {
          name: 'threads list piped TSV, 100,000 threads, vs a minimal Node script',
          value: (t) => t.tsv / t.floor,
          limit: 1.1,
        },
        {
          name: 'the floor: a minimal Node script streaming the same GET to stdout (bench/floor-stream.cjs), vs node -e 0 + curl',
          value: (t) => t.stream / (t.node + t.curl),
          limit: Infinity,
          info: true,
        },
      ],
      { env },
    );
    console.log(
      `      medians: node -e 0 ${ms(raw.node)}, curl ${ms(raw.curl)}, --json ${ms(raw.json)}, minimal streaming script ${ms(raw.stream)}, TSV ${ms(raw.tsv)}, minimal TSV script ${ms(raw.floor)}`,
    );
    for (const r of results) {
      if (r.info)
        console.log(
          `info  ${r.name}: ${r.figure.toFixed(2)}x (spread ${r.spread[0].toFixed(2)}–${r.spread[1].toFixed(2)}x)`,
        );
      else ok = report(r) && ok;
    }
    const rss = median(Array.from({ length: 5 }, () => peakRss(['node', BIN, 'threads', 'list', '--json'], env)));
    const bare = median(Array.from({ length: 5 }, () => peakRss(['node', '-e', '0'], env)));
    const tiny = await startStatic(threadList(10));
    const small = median(
      Array.from({ length: 5 }, () =>
        peakRss(['node', BIN, 'threads', 'list', '--json'], { ...env, GURUSUP_BASE_URL: tiny.url }),
      ),
    );
    await tiny.stop();
    const floor = median(
      Array.from({ length: 5 }, () =>
        peakRss(['node', path.join(ROOT, 'bench/floor-stream.cjs'), `${big.url}/threads`], env),
      ),
    );
    ok =
      verdict('threads list --json, 100,000 threads, peak RSS (MB, median of 5)', {
        baseline: `node -e 0 ${bare.toFixed(1)} MB, the same command for 10 threads ${small.toFixed(1)} MB, minimal streaming script ${floor.toFixed(1)} MB`,
        ours: `${rss.toFixed(1)} MB`,
        ratio: rss,
        limit: 50,
      }) && ok;
  } finally {
    await big.stop();
  }
  return ok;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
