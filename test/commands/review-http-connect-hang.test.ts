import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, startCli } from '../helpers/cli.js';
import { waitUntil } from '../helpers/wait.js';
import { tempDir } from '../helpers/io.js';

// A proxy that takes the CONNECT and never answers it. The request was given up (timeout or
// Ctrl-C) and the right message printed, but the process then stayed alive ~300 s: closing
// undici's agent at exit waited for the tunnel that never came (undici's own headers timeout).
// The child is killed after 15 s, so a hang shows as a SIGKILL instead of the exit code.
const KEY = 'gsk_test_review_http_0123456789';
let proxy: http.Server;
let proxyUrl: string;
const connects: string[] = [];
const held: net.Socket[] = [];

beforeAll(async () => {
  proxy = http.createServer((_req, res) => res.writeHead(405).end());
  proxy.on('connect', (req, client: net.Socket) => {
    connects.push(req.url ?? '');
    held.push(client);
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as net.AddressInfo).port}`;
});
afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise((r) => proxy.close(r));
});

const env = () => ({
  GURUSUP_CONFIG_DIR: tempDir(),
  GURUSUP_API_KEY: KEY,
  GURUSUP_BASE_URL: 'http://127.0.0.1:9',
  HTTP_PROXY: proxyUrl,
});

describe('a proxy that never answers CONNECT', () => {
  it('--timeout: exit 5 with the timeout, and the process ends', async () => {
    const r = await cli(['threads', 'list', '--timeout', '1'], { env: env() });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(5);
    expect(r.stderr).toContain('timed out after 1s');
  });

  it('Ctrl-C while connecting: exit 130, and the process ends', async () => {
    const n = connects.length;
    const child = startCli(['threads', 'list'], { env: env() });
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await waitUntil(() => connects.length > n, { what: () => `the CONNECT to reach the proxy: ${child.err()}` });
    child.kill('SIGINT');
    const r = await child.done;
    clearTimeout(killer);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(130);
    expect(r.stderr).toBe('error: interrupted\n');
  });
});
