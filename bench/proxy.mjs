// Through a proxy (issue 13): `threads list --json` (10 threads) through a loopback CONNECT proxy
// (bench/connect-proxy.mjs) within 1.5x of the same command direct. The proxy path loads undici
// (dist/vendor/undici.cjs) with --liftoff-only; the direct path uses node:http.
import path from 'node:path';
import { BIN, KEY, ROOT, ms, paired, report, startProcess, startStatic, threadList, tmpdir } from './lib.mjs';

export async function run() {
  const server = await startStatic(threadList(10));
  const proxy = await startProcess([path.join(ROOT, 'bench/connect-proxy.mjs')], /proxy on (http:\/\/\S+)/);
  const env = {
    GURUSUP_API_KEY: KEY,
    GURUSUP_BASE_URL: server.url,
    GURUSUP_CONFIG_DIR: tmpdir(),
    NO_PROXY: '',
    no_proxy: '',
  };
  try {
    const { results, raw } = await paired(
      {
        direct: ['node', BIN, 'threads', 'list', '--json'],
        proxied: {
          cmd: ['node', BIN, 'threads', 'list', '--json'],
          env: { HTTP_PROXY: proxy.match[1], HTTPS_PROXY: proxy.match[1] },
        },
      },
      [
        {
          name: 'threads list --json through a loopback CONNECT proxy vs direct',
          value: (t) => t.proxied / t.direct,
          limit: 1.5,
        },
      ],
      { env },
    );
    console.log(`      medians: direct ${ms(raw.direct)}, through the proxy ${ms(raw.proxied)}`);
    return results.map((r) => report(r)).every(Boolean);
  } finally {
    await server.stop();
    await proxy.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
