import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';

// webhook verify against receivers whose connections misbehave in ways real ones do.
const KEY = 'gsk_test_verify_conn_0123456789';
const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
const env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY };

/** Grades as a correct receiver does: the key, then the JSON. */
function grade(req: http.IncomingMessage, body: string): number {
  if (req.headers['x-api-key'] !== KEY) return 401;
  try {
    JSON.parse(body);
    return 200;
  } catch {
    return 400;
  }
}

describe('webhook verify: connections', () => {
  it('a receiver that closes each kept-alive connection after one answer (no connection: close): every probe passes', async () => {
    let connections = 0;
    const server = http.createServer((req, res) => {
      const sock = req.socket as typeof req.socket & { served?: number };
      sock.served = (sock.served ?? 0) + 1;
      // The second request on a connection: closed before any byte of an answer.
      if (sock.served > 1) return sock.destroy();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => res.writeHead(grade(req, Buffer.concat(chunks).toString())).end('{}'));
    });
    server.on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
      const r = await run(['webhook', 'verify', url], { env });
      expect(
        r.stdout
          .trim()
          .split('\n')
          .map((l) => l.split('\t').slice(0, 2).join(' ')),
      ).toEqual([
        'valid-event pass',
        'duplicate pass',
        'wrong-key pass',
        'missing-key pass',
        'unicode-10k pass',
        'not-json pass',
      ]);
      expect(r.code, r.stderr).toBe(0);
      expect(connections).toBeGreaterThan(1);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('a self-signed TLS receiver: exit 5 with the NODE_EXTRA_CA_CERTS hint, as threads list gives', async () => {
    const server = https.createServer(
      {
        key: fs.readFileSync(path.join(FIXTURES, 'self-signed.key')),
        cert: fs.readFileSync(path.join(FIXTURES, 'self-signed.crt')),
      },
      (_req, res) => res.end('{}'),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
      const r = await run(['webhook', 'verify', url], { env });
      expect(r.code).toBe(5);
      expect(r.stderr).toMatch(/^error: no answer from https:\/\/127\.0\.0\.1:\d+\/hooks: TLS certificate of /m);
      expect(r.stderr).toContain(
        '\nhint: if you use a private CA, point NODE_EXTRA_CA_CERTS at its certificate file\n',
      );
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
