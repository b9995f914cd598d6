// Start-up of `gurusup mcp` (issue 25): start, load the SDK (dist/vendor/mcp.cjs, its own code
// cache) and answer `initialize`, stdin ending after it; paired with `node -e 0`. The other
// commands' start-up, which must not move, is bench/startup.mjs.
import fs from 'node:fs';
import path from 'node:path';
import { BIN, KEY, ms, paired, report, tmpdir } from './lib.mjs';

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } },
};

export async function run() {
  const dir = tmpdir();
  const input = path.join(dir, 'init.jsonl');
  fs.writeFileSync(input, `${JSON.stringify(INIT)}\n`);
  const { results, raw } = await paired(
    { node: ['node', '-e', '0'], nodeSh: `node -e 0 < ${input}`, mcp: `node ${BIN} mcp < ${input}` },
    [
      {
        name: 'mcp: start and answer initialize vs node -e 0 (both through sh)',
        value: (t) => t.mcp / t.nodeSh,
        limit: 3,
      },
    ],
    { env: { GURUSUP_API_KEY: KEY, GURUSUP_CONFIG_DIR: dir, GURUSUP_BASE_URL: 'http://127.0.0.1:9' } },
  );
  console.log(`      medians: node -e 0 ${ms(raw.node)}, sh + node -e 0 ${ms(raw.nodeSh)}, sh + mcp ${ms(raw.mcp)}`);
  return results.map((r) => report(r)).every(Boolean);
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
