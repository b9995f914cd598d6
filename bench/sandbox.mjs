// Target (issue 21): with --data, a POST /messages stays under 50 ms when the sandbox holds 10,000
// messages (it used to rewrite the whole state per POST: 1.45 s at 320 posts of 1 MB). A --data
// file of 495 threads x 20 messages (9,900), then 45 customer POSTs (each kept with its reply,
// 9,990 in all) from a keep-alive client in another process; the figure is the slowest of them,
// which includes the one compaction a journal past the snapshot's size triggers, if any.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { KEY, makeSandboxData, startSandbox, tmpdir, verdict } from './lib.mjs';

const POSTS = 45;

function postTimes(url, n) {
  const script = `
    const http = require('node:http');
    const agent = new http.Agent({ keepAlive: true });
    const post = (i) => new Promise((resolve, reject) => {
      const body = JSON.stringify({ body: 'Where is my parcel? Order ' + i, user_fid: 'bench', thread_fid: 'bench-post', lang: 'en' });
      const t0 = performance.now();
      const req = http.request(${JSON.stringify(url)} + '/messages', { method: 'POST', agent, headers: { 'x-api-key': ${JSON.stringify(KEY)}, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        res.resume(); res.on('end', () => res.statusCode === 201 ? resolve(performance.now() - t0) : reject(new Error('status ' + res.statusCode)));
      });
      req.on('error', reject); req.end(body);
    });
    (async () => { const t = []; for (let i = 0; i < ${n}; i++) t.push(await post(i)); console.log(JSON.stringify(t)); agent.destroy(); })();`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`client failed: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

export async function run() {
  const data = path.join(tmpdir(), 'sandbox.json');
  await makeSandboxData(data, 495, 20);
  const sb = await startSandbox(data);
  try {
    const times = postTimes(sb.url, POSTS).sort((a, b) => a - b);
    const p50 = times[Math.floor(times.length / 2)];
    const max = times[times.length - 1];
    console.log(`POST /messages at ~10,000 messages with --data: p50 ${p50.toFixed(2)} ms, max ${max.toFixed(2)} ms`);
    return verdict('sandbox --data POST at 10,000 messages (slowest, ms)', {
      baseline: 50,
      ours: max.toFixed(2),
      ratio: max / 50,
      limit: 1,
      unit: ' ms',
    });
  } finally {
    await sb.stop();
  }
}
