// The official MCP conformance suite (@modelcontextprotocol/conformance) against `gurusup mcp`.
//
// The suite speaks Streamable HTTP and our server speaks stdio, so a small bridge (the SDK's own
// HTTP server transport, one `gurusup mcp --allow-write` process per session) relays messages
// unchanged. The server runs against `gurusup sandbox`. Scenarios that do not apply to a
// tools-and-resources stdio server are listed in baseline.yml: the run fails on any other failure,
// and on a baseline entry that passes (so the file stays true).
//
//   node test/mcp/conformance/run.mjs [--verbose] [--scenario <name>]     (after npm run build)
import { spawn } from 'node:child_process';
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const BIN = path.join(root, 'bin/gurusup.js');
const SUITE = path.join(root, 'node_modules/@modelcontextprotocol/conformance/dist/index.js');
const KEY = 'gsk_test_conformance_0123456789abcdef';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gurusup-conformance-'));

function waitForLine(child, re, what) {
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${err}`)), 15_000);
    child.stderr.setEncoding('utf8').on('data', (d) => {
      err += d;
      const m = re.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
  });
}

const sandbox = spawn(process.execPath, [BIN, 'sandbox', '--port', '0', '--api-key', KEY], {
  env: { PATH: process.env.PATH, HOME: process.env.HOME, GURUSUP_CONFIG_DIR: dir },
  stdio: ['ignore', 'ignore', 'pipe'],
});
const apiUrl = await waitForLine(sandbox, /sandbox on (http:\/\/\S+)/, 'the sandbox');
const serverEnv = {
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  GURUSUP_CONFIG_DIR: dir,
  GURUSUP_API_KEY: KEY,
  GURUSUP_BASE_URL: apiUrl,
};

/** One HTTP session: the SDK's HTTP transport on one side, our stdio server on the other. */
const sessions = new Map();
async function newSession() {
  const stdio = new StdioClientTransport({
    command: process.execPath,
    args: [BIN, 'mcp', '--allow-write'],
    env: serverEnv,
    stderr: 'inherit',
  });
  const web = new StreamableHTTPServerTransport({
    sessionIdGenerator: () => randomUUID(),
    onsessioninitialized: (id) => sessions.set(id, web),
  });
  web.onmessage = (m) => void stdio.send(m);
  stdio.onmessage = (m) => void web.send(m).catch(() => {});
  web.onclose = () => {
    if (web.sessionId) sessions.delete(web.sessionId);
    void stdio.close();
  };
  await stdio.start();
  await web.start();
  return web;
}

const bridge = http.createServer(async (req, res) => {
  try {
    const id = req.headers['mcp-session-id'];
    const web = typeof id === 'string' ? sessions.get(id) : req.method === 'POST' ? await newSession() : undefined;
    if (!web) {
      res.writeHead(400, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message: 'no such session' }, id: null }));
    }
    await web.handleRequest(req, res);
  } catch (err) {
    if (!res.headersSent) res.writeHead(500).end(String(err));
  }
});
await new Promise((r) => bridge.listen(0, '127.0.0.1', r));
const url = `http://127.0.0.1:${bridge.address().port}/mcp`;

// Further arguments go to the suite: --verbose, --scenario <name>.
const args = [
  SUITE,
  'server',
  '--url',
  url,
  '--expected-failures',
  path.join(here, 'baseline.yml'),
  ...process.argv.slice(2),
];
const suite = spawn(process.execPath, args, { cwd: dir, stdio: 'inherit' });
const code = await new Promise((r) => suite.on('close', (c) => r(c ?? 1)));

for (const web of sessions.values()) await web.close().catch(() => {});
bridge.closeAllConnections();
bridge.close();
sandbox.kill('SIGINT');
fs.rmSync(dir, { recursive: true, force: true });
process.exit(code);
