// Peers of the listener, for the record (issue 13; not a target): adnanh/webhook (Debian package
// `webhook`, runs a command per hook, /bin/true here: by default it answers 200 at once and runs
// the command after; with include-command-output-in-response it answers once the command ran) and
// a Python http.server receiver (HTTP/1.1, a thread per connection), against bare node:http and `webhook listen --json > file`, with the
// same wrk -t2 -c32 and bench/events.lua, 3 rounds in a shuffled order. Skipped, saying so, when
// `webhook` or `python3` is missing.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { BIN, KEY, ROOT, median, shuffle, tmpdir } from './lib.mjs';

const SECONDS = Number(process.env.GURUSUP_BENCH_WRK_SECONDS) || 2;
const has = (tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;

const PY = `
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
class H(BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'
    def do_POST(self):
        self.rfile.read(int(self.headers.get('content-length', 0)))
        body = b'{"received":true}'
        self.send_response(200)
        self.send_header('content-type', 'application/json')
        self.send_header('content-length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
`;

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function up(port) {
  for (let i = 0; i < 300; i++) {
    const ok = await new Promise((resolve) => {
      const c = net.connect(port, '127.0.0.1', () => (c.destroy(), resolve(true)));
      c.on('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`nothing listening on ${port}`);
}

async function measure(name, dir) {
  const port = await freePort();
  let argv;
  let url = `http://127.0.0.1:${port}/`;
  let out = 'ignore';
  if (name === 'bare') argv = [process.execPath, path.join(ROOT, 'bench/bare-server.mjs')];
  if (name === 'listen') {
    argv = [process.execPath, BIN, 'webhook', 'listen', '--port', String(port), '--json'];
    out = fs.openSync(path.join(dir, 'listen.ndjson'), 'w');
  }
  if (name === 'webhook' || name === 'webhook-wait') {
    const hooks = path.join(dir, 'hooks.json');
    const hook = { id: 'gurusup', 'execute-command': '/bin/true' };
    if (name === 'webhook-wait') hook['include-command-output-in-response'] = true;
    fs.writeFileSync(hooks, JSON.stringify([hook]));
    argv = ['webhook', '-hooks', hooks, '-ip', '127.0.0.1', '-port', String(port)];
    url = `http://127.0.0.1:${port}/hooks/gurusup`;
  }
  if (name === 'python') argv = ['python3', '-c', PY, String(port)];
  const child = spawn(argv[0], argv.slice(1), {
    env: { ...process.env, GURUSUP_API_KEY: KEY, GURUSUP_CONFIG_DIR: dir },
    stdio: ['ignore', out, 'pipe'],
  });
  if (typeof out === 'number') fs.closeSync(out);
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  try {
    if (name === 'bare') {
      for (let i = 0; i < 300 && !/Listening on/.test(err); i++) await new Promise((r) => setTimeout(r, 10));
      url = /Listening on (http:\/\/\S+)/.exec(err)?.[1] ?? url;
    } else await up(port);
    const r = spawnSync('wrk', ['-t2', '-c32', `-d${SECONDS}s`, '-s', path.join(ROOT, 'bench/events.lua'), url], {
      env: { ...process.env, GURUSUP_API_KEY: KEY },
      encoding: 'utf8',
    });
    // Answers per second that were 200s (wrk's own figure counts any answer).
    const ok = Number(/OK200 (\d+)/.exec(r.stdout)?.[1] ?? NaN);
    const total = Number(/(\d+) requests in/.exec(r.stdout)?.[1] ?? NaN);
    return (Number(/RPS ([\d.]+)/.exec(r.stdout)?.[1] ?? NaN) * ok) / total;
  } finally {
    await new Promise((r) => (child.exitCode !== null ? r() : (child.on('exit', r), child.kill('SIGINT'))));
  }
}

export async function run() {
  const missing = ['wrk', 'webhook', 'python3'].filter((t) => !has(t));
  if (missing.length) {
    console.log(`skipped: ${missing.join(', ')} not installed (apt-get install wrk webhook python3)`);
    return true;
  }
  const dir = tmpdir();
  const names = ['bare', 'listen', 'webhook', 'webhook-wait', 'python'];
  const rps = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < 3; round++) for (const n of shuffle([...names])) rps[n].push(await measure(n, dir));
  const m = Object.fromEntries(names.map((n) => [n, median(rps[n])]));
  console.log(
    `info  200s per second, wrk -t2 -c32 ${SECONDS} s, median of 3: bare node:http ${m.bare.toFixed(0)}, webhook listen --json ${m.listen.toFixed(0)}, adnanh/webhook (/bin/true per hook) answering at once ${m.webhook.toFixed(0)}, answering after it ${m['webhook-wait'].toFixed(0)}, Python http.server (threads) ${m.python.toFixed(0)}`,
  );
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
