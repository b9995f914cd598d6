// Target 4: `threads show` of a thread with 5,000 messages prints its transcript (on a terminal)
// in under 300 ms of work beyond the request: ours minus (node -e 0 + curl of the same URL).
import { createHash } from 'node:crypto';
import { KEY, hyperfine, ms, need, startStatic, tmpdir, verdict } from './lib.mjs';

function bigThread(n) {
  const fid = 'bench-big-thread';
  const t0 = Date.UTC(2024, 0, 1);
  const messages = Array.from({ length: n }, (_, j) => ({
    _id: j.toString(16).padStart(24, '0'),
    body: j % 2 ? `Reply ${j}: orders ship within 24 hours and arrive in 2-4 business days.\nTracking is in your email.` : `Question ${j} from the customer: where is my parcel?`,
    thread_fid: fid,
    user_fid: j % 2 ? 'gurusup-ai' : 'cust-1',
    is_customer_support_agent: j % 2 === 1,
    created_at: new Date(t0 + j * 1000).toISOString(),
  }));
  return { fid, body: JSON.stringify({ thread: createHash('md5').update(fid).digest('hex'), thread_fid: fid, subject: 'A long one', messages }) };
}

export async function run() {
  need('hyperfine', 'curl', 'script');
  const { fid, body } = bigThread(5000);
  const server = await startStatic(body);
  const env = { GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url, GURUSUP_CONFIG_DIR: tmpdir(), TERM: 'xterm' };
  try {
    const pty = (cmd) => `script -qec "stty cols 120 rows 40; ${cmd}" /dev/null`;
    const [base, ours] = hyperfine([pty(`node -e 0; curl -s ${server.url}/threads/x > /dev/null`), pty(`node bin/gurusup.js threads show ${fid}`)], { env, runs: 10 });
    console.log(`show: thread of 5,000 messages, ${(body.length / 1e6).toFixed(1)} MB`);
    return verdict('threads show transcript, work beyond node + request (ms)', { baseline: `pty + node -e 0 + curl ${ms(base)}`, ours: ms(ours), ratio: (ours - base) * 1000, limit: 300 });
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
