import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';
import { INIT, KEY, baseEnv, exited, rawSession } from './helpers.js';

// The MCP SDK and zod live in dist/vendor/mcp.cjs, loaded by `gurusup mcp` only: the start-up of
// every other command must not move.
const DIST = path.resolve(BIN, '../../dist');
let api: TestServer;
beforeAll(async () => {
  api = await startServer((_req, res) => sendJson(res, 200, [{ thread_fid: 'b-1' }]));
});
afterAll(() => api.close());

/** A preload that records every file the process reads, and the code caches left behind. */
function watched(): { env: Record<string, string>; read: () => string[]; caches: () => string[] } {
  const dir = tempDir();
  const report = path.join(dir, 'read.txt');
  const hook = path.join(dir, 'hook.cjs');
  const cache = path.join(dir, 'cache');
  fs.writeFileSync(
    hook,
    `const fs = require('fs'); const seen = [];
const read = fs.readFileSync;
fs.readFileSync = function (p, ...a) { seen.push(String(p)); return read.call(this, p, ...a); };
process.on('exit', () => fs.writeFileSync(${JSON.stringify(report)}, seen.join('\\n')));`,
  );
  return {
    env: baseEnv({
      NODE_OPTIONS: `--require ${hook}`,
      GURUSUP_CACHE_DIR: cache,
      GURUSUP_CONFIG_DIR: dir,
      GURUSUP_API_KEY: KEY,
      GURUSUP_BASE_URL: api.url,
    }),
    read: () => fs.readFileSync(report, 'utf8').split('\n'),
    caches: () => (fs.existsSync(cache) ? fs.readdirSync(cache) : []),
  };
}

describe('the mcp bundle is apart', () => {
  it('dist/cli.cjs holds neither the SDK nor zod, and no import() (it runs as a vm.Script)', () => {
    const cliText = fs.readFileSync(path.join(DIST, 'cli.cjs'), 'utf8');
    const vendor = fs.readFileSync(path.join(DIST, 'vendor/mcp.cjs'), 'utf8');
    // Strings of the SDK's, zod's and ajv's own code (our code names McpServer, never these).
    const markers = ['already started', 'ZodError', '$ZodType', 'jsonrpc', 'ajv'];
    for (const m of markers) {
      expect(vendor.includes(m), `dist/vendor/mcp.cjs has ${m}`).toBe(true);
      expect(cliText.includes(m), `dist/cli.cjs has ${m}`).toBe(false);
    }
    expect(cliText.includes('./vendor/mcp.cjs')).toBe(true);
    expect(cliText.includes('import(')).toBe(false);
    expect(vendor.includes('import(')).toBe(false);
  });

  it('--version and threads list --json never read dist/vendor/mcp.cjs; mcp does', async () => {
    const version = watched();
    const v = await cli(['--version'], { env: version.env });
    expect(v.code).toBe(0);
    expect(version.read().filter((f) => f.includes('dist'))).toEqual([expect.stringMatching(/help-80\.json$/)]);

    const list = watched();
    const l = await cli(['threads', 'list', '--json'], { env: list.env });
    expect(l.stdout).toBe('[{"thread_fid":"b-1"}]\n');
    expect(list.read().some((f) => f.endsWith(`${path.sep}cli.cjs`))).toBe(true);
    expect(list.read().filter((f) => f.includes('vendor'))).toEqual([]);
    expect(list.caches().some((f) => f.startsWith('v8-cli-'))).toBe(true);
    expect(list.caches().filter((f) => f.startsWith('v8-mcp-'))).toEqual([]);

    // The same watch sees mcp load it (so the two checks above can fail).
    const mcp = watched();
    const s = await rawSession(['mcp'], mcp.env, [INIT], 1);
    expect((await exited(s.exit, 5000, 'after stdin closed')).code).toBe(0);
    expect(mcp.read().some((f) => f.endsWith(path.join('vendor', 'mcp.cjs')))).toBe(true);
    expect(mcp.caches().some((f) => f.startsWith('v8-mcp-'))).toBe(true);
  });
});
