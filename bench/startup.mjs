// Target 1: --version and --help within 1.10x of `node -e 0`; `threads list --json` against a
// local server with 10 threads within 1.25x of `node -e 0` plus one curl of the same URL.
import { KEY, hyperfine, ms, need, startStatic, threadList, tmpdir, verdict } from './lib.mjs';

export async function run() {
  need('hyperfine', 'curl');
  const server = await startStatic(threadList(10));
  const env = { GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url, GURUSUP_CONFIG_DIR: tmpdir() };
  try {
    const [node, curl, version, help, list] = hyperfine(
      ['node -e 0', `curl -s ${server.url}/threads`, 'node bin/gurusup.js --version', 'node bin/gurusup.js --help', 'node bin/gurusup.js threads list --json'],
      { env, runs: 30, warmup: 3 },
    );
    const a = verdict('startup --version', { baseline: ms(node), ours: ms(version), ratio: version / node, limit: 1.1 });
    const b = verdict('startup --help', { baseline: ms(node), ours: ms(help), ratio: help / node, limit: 1.1 });
    const c = verdict('threads list --json (10 threads)', { baseline: `${ms(node)} + curl ${ms(curl)}`, ours: ms(list), ratio: list / (node + curl), limit: 1.25 });
    return a && b && c;
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
