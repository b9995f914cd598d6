import { execFile } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';
import { startConnectProxy } from '../helpers/proxy.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

// The built bundle loads some parts lazily (node:https, dist/vendor/*): run each path as a user would.
const KEY = 'gsk_test_bundle_0123456789abcdef';
const fixtures = path.resolve(import.meta.dirname, '../fixtures');
let api: TestServer;
let tls: https.Server;
let tlsUrl: string;

beforeAll(async () => {
  api = await startServer((_req, res) => sendJson(res, 200, [{ thread_fid: 'bundle-1', subject: 'Bundled' }]));
  tls = https.createServer(
    {
      key: fs.readFileSync(path.join(fixtures, 'self-signed.key')),
      cert: fs.readFileSync(path.join(fixtures, 'self-signed.crt')),
    },
    (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('[{"thread_fid":"over-tls"}]');
    },
  );
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
  tlsUrl = `https://127.0.0.1:${(tls.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  await api.close();
  tls.closeAllConnections();
  await new Promise((r) => tls.close(r));
});

const env = (extra: Record<string, string> = {}) => ({
  GURUSUP_CONFIG_DIR: tempDir(),
  GURUSUP_API_KEY: KEY,
  GURUSUP_BASE_URL: api.url,
  ...extra,
});

describe('the built bundle', () => {
  it('talks https, trusting a CA given by NODE_EXTRA_CA_CERTS, and refuses it otherwise', async () => {
    const ok = await cli(['threads', 'list', '--json'], {
      env: env({ GURUSUP_BASE_URL: tlsUrl, NODE_EXTRA_CA_CERTS: path.join(fixtures, 'self-signed.crt') }),
    });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual([{ thread_fid: 'over-tls' }]);
    const bad = await cli(['threads', 'list'], { env: env({ GURUSUP_BASE_URL: tlsUrl }) });
    expect(bad.code).toBe(5);
    expect(bad.stderr).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('loads chalk when colour is forced, and conf when saving a key', async () => {
    const colour = await cli(['threads', 'list'], {
      env: env({ FORCE_COLOR: '1', GURUSUP_BASE_URL: 'http://127.0.0.1:9' }),
    });
    expect(colour.stderr).toContain('\u001b[31merror:\u001b[39m');
    const dir = tempDir();
    const login = await cli(['auth', 'login', '--with-key', '--skip-check'], {
      env: { GURUSUP_CONFIG_DIR: dir },
      input: KEY,
    });
    expect(login.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).profiles.default.api_key).toBe(KEY);
  });

  // The spinner (ora, loaded from dist/vendor/ only when a wait passes 200 ms) is run from the bundle
  // by test/e2e/terminal.test.ts against a slow server; this server answers at once.
  it('on a terminal: the table', async () => {
    const term = (cmd: string) =>
      promisify(execFile)('script', ['-qec', cmd, '/dev/null'], {
        env: { ...process.env, ...env(), TERM: 'xterm' },
        timeout: 10_000,
      });
    const { stdout } = await term(`stty cols 100 rows 40; node ${BIN} threads list`);
    expect(stdout).toMatch(/THREAD_FID.*HASH.*SUBJECT/);
    expect(stdout).toMatch(/bundle-1\s+[0-9a-f]{32}\s+Bundled/);
    // A pty that reports no width gets no spinner rather than an endless redraw.
    const bare = await term(`stty cols 0 rows 0; node ${BIN} threads list`);
    expect(bare.stdout).toMatch(/bundle-1\s+[0-9a-f]{32}\s+Bundled/);
    expect(bare.stdout.length).toBeLessThan(2000);
  });
});

describe('start-up: a listing loads only what it uses', () => {
  // Each of these costs 0.3-1.2 ms of start-up (BENCHMARKS.md §1) and a listing needs none.
  it('no node:crypto, child_process, readline, perf_hooks or undici for threads list --json', async () => {
    const dir = tempDir();
    const hook = path.join(dir, 'modules.cjs');
    const report = path.join(dir, 'loaded.txt');
    fs.writeFileSync(
      hook,
      `const before = new Set(process.moduleLoadList);
process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(report)},
  [...process.moduleLoadList.filter((m) => !before.has(m)), ...Object.keys(require.cache)].join('\\n')));`,
    );
    const r = await cli(['threads', 'list', '--json'], { env: env({ NODE_OPTIONS: `--require ${hook}` }) });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual([{ thread_fid: 'bundle-1', subject: 'Bundled' }]);
    const loaded = fs.readFileSync(report, 'utf8').split('\n');
    expect(loaded).toContain('NativeModule http');
    expect(loaded.some((f) => f.endsWith(`${path.sep}load.js`))).toBe(true);
    for (const name of ['crypto', 'child_process', 'dgram', 'readline', 'perf_hooks', 'internal/fs/promises'])
      expect(loaded, name).not.toContain(`NativeModule ${name}`);
    expect(loaded.filter((f) => f.includes(`${path.sep}vendor${path.sep}`))).toEqual([]);
  });
});

describe('start-up: the code cache heals itself', () => {
  it('holds no import(), so it can run as a vm.Script', () => {
    expect(fs.readFileSync(path.resolve(BIN, '../../dist/cli.cjs'), 'utf8')).not.toContain('import(');
  });

  it('is written by the first run, used by the next, and rebuilt when rejected or when V8 flags change', async () => {
    const cache = tempDir();
    const run = (extra: Record<string, string> = {}) =>
      cli(['threads', 'list', '--json'], { env: env({ GURUSUP_CACHE_DIR: cache, ...extra }) });
    const files = () => fs.readdirSync(cache).filter((f) => !f.endsWith('.tmp'));
    const first = await run();
    expect(first.code).toBe(0);
    expect(files().length).toBeGreaterThan(0);
    const [name] = files();
    const good = fs.readFileSync(path.join(cache, name!));
    // A cache V8 will not take (another Node wrote it, or it is damaged): the run still works, and the cache is rewritten.
    fs.writeFileSync(path.join(cache, name!), 'not a V8 code cache');
    const again = await run();
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual([{ thread_fid: 'bundle-1', subject: 'Bundled' }]);
    expect(fs.readFileSync(path.join(cache, name!)).length).toBeGreaterThan(1000);
    expect(fs.readFileSync(path.join(cache, name!)).subarray(0, 16)).toEqual(good.subarray(0, 16));
    // Flags that change what V8 accepts get a cache of their own.
    const flagged = await run({ NODE_OPTIONS: '--max-old-space-size=200' });
    expect(flagged.code).toBe(0);
    expect(files()).toHaveLength(2);
    // Old caches (other bundles, other Nodes) do not pile up: the newest four are kept.
    for (let i = 0; i < 6; i++) fs.writeFileSync(path.join(cache, `v8-${String(i).repeat(16)}.cache`), 'old');
    const past = new Date(Date.now() - 3600_000);
    for (let i = 0; i < 6; i++) fs.utimesSync(path.join(cache, `v8-${String(i).repeat(16)}.cache`), past, past);
    const another = await run({ NODE_OPTIONS: '--max-old-space-size=300' });
    expect(another.code).toBe(0);
    expect(files()).toHaveLength(4);
    expect(files()).toContain(name!);
  });

  it('the libraries under dist/vendor/ get caches of their own, used by the next runs and rebuilt when damaged', async () => {
    const cache = tempDir();
    const run = () =>
      cli(['threads', 'list'], {
        env: env({ GURUSUP_CACHE_DIR: cache, FORCE_COLOR: '1', GURUSUP_BASE_URL: 'http://127.0.0.1:9' }),
      });
    const chalkCache = () => fs.readdirSync(cache).find((f) => /^v8-chalk-[0-9a-f]{16}\.cache$/.test(f));
    const first = await run();
    expect(first.stderr).toContain('\u001b[31merror:\u001b[39m');
    const name = chalkCache();
    expect(name).toBeDefined();
    const stamp = fs.statSync(path.join(cache, name!)).mtimeMs;
    // Not proof of anything: a rewrite of the cache from here on gets another mtime.
    await new Promise((r) => setTimeout(r, 20));
    expect((await run()).stderr).toBe(first.stderr);
    expect(fs.statSync(path.join(cache, name!)).mtimeMs).toBe(stamp);
    fs.writeFileSync(path.join(cache, name!), 'not a V8 code cache');
    expect((await run()).stderr).toBe(first.stderr);
    expect(fs.readFileSync(path.join(cache, name!)).length).toBeGreaterThan(1000);
  });

  it('a cache directory that cannot be written is no error', async () => {
    const r = await cli(['threads', 'list', '--json'], { env: env({ GURUSUP_CACHE_DIR: '/dev/null/cache' }) });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('--debug stack traces point at our TypeScript sources in this copy, not minified frames', async () => {
    const r = await cli(['threads', 'list', '--debug'], { env: env({ GURUSUP_BASE_URL: 'http://127.0.0.1:9' }) });
    expect(r.code).toBe(5);
    const root = path.resolve(BIN, '../..');
    expect(r.stderr).toMatch(
      new RegExp(`at .*${root.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}/src/[\\w/-]+\\.ts:\\d+:\\d+`),
    );
  });
});

describe('start-up through a proxy', () => {
  it('a streamed listing (V8 tiers lowered while it passes through) leaves a cache the next runs accept', async () => {
    const body = JSON.stringify(Array.from({ length: 20_000 }, (_, i) => ({ thread_fid: `t-${i}`, subject: 'é ✓' })));
    const big = await startServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
    try {
      const cache = tempDir();
      const stamps: number[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await cli(['threads', 'list', '--json'], {
          env: env({ GURUSUP_CACHE_DIR: cache, GURUSUP_BASE_URL: big.url }),
        });
        expect(r.stderr).toBe('');
        expect(r.code).toBe(0);
        expect(r.stdout).toBe(`${body}\n`);
        const files = fs.readdirSync(cache).filter((f) => f.endsWith('.cache'));
        expect(files).toHaveLength(1);
        stamps.push(fs.statSync(path.join(cache, files[0]!)).mtimeMs);
        // Not proof of anything: a rewrite of the cache from here on gets another mtime.
        await new Promise((r) => setTimeout(r, 20));
      }
      // Written by the first run only: V8 accepted it in the next two.
      expect(new Set(stamps).size).toBe(1);
    } finally {
      await big.close();
    }
  });

  it('the code cache taken on the proxy path is accepted by the next runs (it is not rewritten each time)', async () => {
    const proxy = await startConnectProxy();
    try {
      const cache = tempDir();
      const proxied = env({
        GURUSUP_CACHE_DIR: cache,
        HTTP_PROXY: proxy.url,
      });
      const stamps: string[] = [];
      for (let i = 0; i < 3; i++) {
        const r = await cli(['threads', 'list', '--json'], { env: proxied });
        expect(r.code).toBe(0);
        // The bundle's cache and undici's (loaded under --liftoff-only, and cached under it).
        const files = fs
          .readdirSync(cache)
          .filter((f) => f.endsWith('.cache'))
          .sort();
        expect(files.map((f) => f.replace(/-[0-9a-f]{16}\.cache$/, ''))).toEqual(['v8-cli', 'v8-undici']);
        stamps.push(files.map((f) => `${f} ${fs.statSync(path.join(cache, f)).mtimeMs}`).join('\n'));
        // Not proof of anything: a rewrite of the cache from here on gets another mtime.
        await new Promise((r) => setTimeout(r, 20));
      }
      // Written by the first run only: V8 accepted both in the next two.
      expect(new Set(stamps).size).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});
