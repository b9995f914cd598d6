// Start-up (issue 13, hold): --version and --help within 1.10x of `node -e 0`; `threads list
// --json` of 10 threads, piped, within 1.20x of `node -e 0` + one curl of the same URL.
// Paired method (lib.mjs): every round runs the five commands in a shuffled order.
import { BIN, KEY, ms, need, paired, report, startStatic, threadList, tmpdir } from './lib.mjs';

export async function run() {
  need('curl');
  const server = await startStatic(threadList(10));
  const env = { GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url, GURUSUP_CONFIG_DIR: tmpdir() };
  try {
    const ok = await measure(env, '');
    // Node 20 reads NODE_EXTRA_CA_CERTS at every start, before any JS runs (~30 ms for a system
    // bundle here): it lengthens `node -e 0` as much as ours and so flatters every ratio. Where it
    // is set, the same rows without it, for the record (the targets are judged as the machine is).
    if (process.env.NODE_EXTRA_CA_CERTS && Number(process.versions.node.split('.')[0]) < 22) {
      console.log('info  NODE_EXTRA_CA_CERTS is set; the same rows without it (not judged):');
      await measure({ ...env, NODE_EXTRA_CA_CERTS: undefined }, 'info  ');
    }
    return ok;
  } finally {
    await server.stop();
  }
}

async function measure(env, prefix) {
  const { results, raw } = await paired(
    {
      node: ['node', '-e', '0'],
      curl: ['curl', '-s', '-o', '/dev/null', `${env.GURUSUP_BASE_URL}/threads`],
      version: ['node', BIN, '--version'],
      help: ['node', BIN, '--help'],
      list: ['node', BIN, 'threads', 'list', '--json'],
    },
    [
      { name: '--version vs node -e 0', value: (t) => t.version / t.node, limit: 1.1 },
      { name: '--help vs node -e 0', value: (t) => t.help / t.node, limit: 1.1 },
      {
        name: 'threads list --json (10 threads, piped) vs node -e 0 + curl',
        value: (t) => t.list / (t.node + t.curl),
        limit: 1.2,
      },
    ],
    { env },
  );
  console.log(
    `      medians: node -e 0 ${ms(raw.node)}, curl ${ms(raw.curl)}, --version ${ms(raw.version)}, --help ${ms(raw.help)}, threads list --json ${ms(raw.list)}`,
  );
  if (prefix) {
    for (const r of results)
      console.log(
        `${prefix}${r.name}: ${r.figure.toFixed(2)}x (spread ${r.spread[0].toFixed(2)}–${r.spread[1].toFixed(2)}x) target <= ${r.limit}x ${r.spread[1] <= r.limit ? 'met' : 'not met'} there`,
      );
    return true;
  }
  return results.map((r) => report(r)).every(Boolean);
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
