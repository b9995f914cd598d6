// Writes dist/cli.cjs.cache: loads the bundle as bin/ does, runs everyday commands against a
// throwaway loopback server (in this process), then saves V8's compiled code.
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable, Readable } from 'node:stream';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { loadCli, file } = require('../bin/load.js');
fs.rmSync(`${file}.cache`, { force: true });
const { cli, script } = loadCli();

const thread = { thread: 'x', thread_fid: 'warm-1', subject: 'Warm', messages: [{ _id: '1', body: 'hi', is_customer_support_agent: false, created_at: '2024-01-01T00:00:00Z' }] };
const server = http.createServer((req, res) => {
  req.resume();
  const body = req.url === '/threads' ? JSON.stringify([thread]) : JSON.stringify(req.method === 'POST' ? thread.messages[0] : thread);
  res.writeHead(200, { 'content-type': 'application/json' }).end(body);
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const env = { GURUSUP_API_KEY: 'warm-cache-key-0000', GURUSUP_BASE_URL: `http://127.0.0.1:${server.address().port}`, GURUSUP_CONFIG_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'gurusup-warm-')) };
const sink = () => new Writable({ write: (_c, _e, cb) => cb() });
for (const argv of [
  ['threads', 'list', '--json'],
  ['threads', 'list'],
  ['threads', 'show', 'warm-1'],
  ['messages', 'send', '--thread', 'warm-1', '--user', 'u', '--body', 'hi'],
  ['messages', 'get', '1', '--json'],
  ['nosuch'],
]) {
  await cli.main(argv, { stdout: sink(), stderr: sink(), stdin: Readable.from([]), env, signal: new AbortController().signal });
}
server.close();
fs.rmSync(env.GURUSUP_CONFIG_DIR, { recursive: true, force: true });
fs.writeFileSync(`${file}.cache`, script.createCachedData());
