// Target (issue 14): `gurusup eval` adds at most 2 ms per turn beyond the request itself.
// Against a latency-0 sandbox, one case at a time: the run's own duration (duration_ms in --json,
// so process start-up is not counted) divided by its turns, minus the time the same number of
// sequential POST /messages take from a bare keep-alive client in another process.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, KEY, startProcess, tmpdir, verdict } from './lib.mjs';

const CASES = 100;
const TURNS = 10;
const ROUNDS = 3;

function suiteText() {
  const turn = (i) => `      - send: "Where is my parcel? Order ${i}, and can I get a refund?"
        expect:
          - icontains: "refund"
          - regex: "/\\\\b\\\\d+[–-]\\\\d+ business days\\\\b/i"
          - not-icontains: "I don't know"
          - contains_any: ["business days", "working days"]
          - max_length: 600
          - latency_ms: 15000
          - field: { name: role, equals: assistant }
`;
  let s = 'name: bench\nuser: bench-bot\nlang: en\ncases:\n';
  for (let c = 0; c < CASES; c++)
    s += `  - name: case ${c}\n    turns:\n${Array.from({ length: TURNS }, (_, i) => turn(c * TURNS + i)).join('')}`;
  return s;
}

/** N sequential POST /messages from a bare node:http keep-alive client, in its own process. */
function rawMs(url, n) {
  const script = `
    const http = require('node:http');
    const agent = new http.Agent({ keepAlive: true });
    const post = (i) => new Promise((resolve, reject) => {
      const body = JSON.stringify({ body: 'Where is my parcel? Order ' + i + ', and can I get a refund?', user_fid: 'bench-bot', thread_fid: 'raw-' + Math.floor(i / ${TURNS}), lang: 'en', is_customer_support_agent: false });
      const req = http.request(${JSON.stringify(url)} + '/messages', { method: 'POST', agent, headers: { 'x-api-key': ${JSON.stringify(KEY)}, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks = []; res.on('data', (c) => chunks.push(c)); res.on('end', () => { JSON.parse(Buffer.concat(chunks)); resolve(); });
      });
      req.on('error', reject); req.end(body);
    });
    (async () => { const t0 = performance.now(); for (let i = 0; i < ${n}; i++) await post(i); console.log(performance.now() - t0); agent.destroy(); })();`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`raw client failed: ${r.stderr}`);
  return Number(r.stdout.trim());
}

function evalMs(url, file) {
  const r = spawnSync(process.execPath, [BIN, 'eval', file, '--concurrency', '1', '--json', 'duration_ms,totals'], {
    encoding: 'utf8',
    env: { ...process.env, GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: url, GURUSUP_CONFIG_DIR: tmpdir() },
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`gurusup eval exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  const out = JSON.parse(r.stdout);
  if (out.totals.turns !== CASES * TURNS || out.totals.passed !== CASES)
    throw new Error(`unexpected results: ${JSON.stringify(out.totals)}`);
  return out.duration_ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run() {
  const dir = tmpdir();
  const file = path.join(dir, 'bench.eval.yaml');
  fs.writeFileSync(file, suiteText());
  const sb = await startProcess(
    [BIN, 'sandbox', '--port', '0', '--api-key', KEY, '--quiet', '--latency', '0'],
    /sandbox on (http:\/\/\S+)/,
    { GURUSUP_CONFIG_DIR: dir },
  );
  const url = sb.match[1];
  try {
    const n = CASES * TURNS;
    rawMs(url, 200); // warm the sandbox's JIT
    const raw = [];
    const ours = [];
    for (let i = 0; i < ROUNDS; i++) {
      raw.push(rawMs(url, n) / n);
      ours.push(evalMs(url, file) / n);
    }
    const base = median(raw);
    const per = median(ours);
    console.log(`eval: ${CASES} cases × ${TURNS} turns, 7 expectations a turn, --concurrency 1, median of ${ROUNDS}`);
    console.log(`  bare request ${base.toFixed(3)} ms/turn; gurusup eval ${per.toFixed(3)} ms/turn`);
    return verdict('eval runner overhead per turn beyond the request (ms)', {
      baseline: `${base.toFixed(3)} ms/turn`,
      ours: `${per.toFixed(3)} ms/turn`,
      ratio: per - base,
      limit: 2,
    });
  } finally {
    await sb.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
