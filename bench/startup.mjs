// Start-up (issue 13, hold): --version and --help within 1.10x of `node -e 0`; `threads list
// --json` of 10 threads, piped, within 1.20x of `node -e 0` + one curl of the same URL.
// Paired method (lib.mjs): every round runs the five commands in a shuffled order.
import { BIN, KEY, ms, need, paired, report, startStatic, threadList, tmpdir } from './lib.mjs';

export async function run() {
  need('curl');
  const server = await startStatic(threadList(10));
  const env = { GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url, GURUSUP_CONFIG_DIR: tmpdir() };
  try {
    const { results, raw } = await paired(
      {
        node: ['node', '-e', '0'],
        curl: ['curl', '-s', '-o', '/dev/null', `${server.url}/threads`],
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
    return results.map((r) => report(r)).every(Boolean);
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
