import { execFile } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';
import { sendJson, startServer, type TestServer } from '../helpers/server.js';

// The built bundle loads some parts lazily (node:https, dist/vendor/*): run each path as a user would.
const KEY = 'gsk_test_bundle_0123456789abcdef';
const fixtures = path.resolve(import.meta.dirname, '../fixtures');
let api: TestServer;
let tls: https.Server;
let tlsUrl: string;

beforeAll(async () => {
  api = await startServer((_req, res) => sendJson(res, 200, [{ thread_fid: 'bundle-1', subject: 'Bundled' }]));
  tls = https.createServer({ key: fs.readFileSync(path.join(fixtures, 'self-signed.key')), cert: fs.readFileSync(path.join(fixtures, 'self-signed.crt')) }, (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('[{"thread_fid":"over-tls"}]');
  });
  await new Promise<void>((r) => tls.listen(0, '127.0.0.1', r));
  tlsUrl = `https://127.0.0.1:${(tls.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  await api.close();
  tls.closeAllConnections();
  await new Promise((r) => tls.close(r));
});

const env = (extra: Record<string, string> = {}) => ({ GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: api.url, ...extra });

describe('the built bundle', () => {
  it('talks https, trusting a CA given by NODE_EXTRA_CA_CERTS, and refuses it otherwise', async () => {
    const ok = await cli(['threads', 'list', '--json'], { env: env({ GURUSUP_BASE_URL: tlsUrl, NODE_EXTRA_CA_CERTS: path.join(fixtures, 'self-signed.crt') }) });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual([{ thread_fid: 'over-tls' }]);
    const bad = await cli(['threads', 'list'], { env: env({ GURUSUP_BASE_URL: tlsUrl }) });
    expect(bad.code).toBe(5);
    expect(bad.stderr).toContain('NODE_EXTRA_CA_CERTS');
  });

  it('loads chalk when colour is forced, and conf when saving a key', async () => {
    const colour = await cli(['threads', 'list'], { env: env({ FORCE_COLOR: '1', GURUSUP_BASE_URL: 'http://127.0.0.1:9' }) });
    expect(colour.stderr).toContain('\u001b[31merror:\u001b[39m');
    const dir = tempDir();
    const login = await cli(['auth', 'login', '--with-key', '--skip-check'], { env: { GURUSUP_CONFIG_DIR: dir }, input: KEY });
    expect(login.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')).profiles.default.api_key).toBe(KEY);
  });

  // The spinner (ora, loaded from dist/vendor/ only when a wait passes 200 ms) is run from the bundle
  // by test/e2e/terminal.test.ts against a slow server; this server answers at once.
  it('on a terminal: the table', async () => {
    const term = (cmd: string) => promisify(execFile)('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, ...env(), TERM: 'xterm' }, timeout: 10_000 });
    const { stdout } = await term(`stty cols 100 rows 40; node ${BIN} threads list`);
    expect(stdout).toMatch(/THREAD_FID.*HASH.*SUBJECT/);
    expect(stdout).toMatch(/bundle-1\s+[0-9a-f]{32}\s+Bundled/);
    // A pty that reports no width gets no spinner rather than an endless redraw.
    const bare = await term(`stty cols 0 rows 0; node ${BIN} threads list`);
    expect(bare.stdout).toMatch(/bundle-1\s+[0-9a-f]{32}\s+Bundled/);
    expect(bare.stdout.length).toBeLessThan(2000);
  });
});
