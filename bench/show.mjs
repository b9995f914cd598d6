// threads show (issue 13): a thread of 5,000 messages (1.2 MB) printed as a transcript on a
// pseudo-terminal (`script`) within +50 ms of the same pty running `node -e 0` + `curl` of the
// same URL. Paired: the per-round difference, median over the rounds.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { BIN, KEY, ms, need, paired, report, startStatic, tmpdir } from './lib.mjs';

function bigThread(n) {
  const fid = 'bench-big-thread';
  const t0 = Date.UTC(2024, 0, 1);
  const messages = Array.from({ length: n }, (_, j) => ({
    _id: j.toString(16).padStart(24, '0'),
    body:
      j % 2
        ? `Reply ${j}: orders ship within 24 hours and arrive in 2-4 business days.\nTracking is in your email.`
        : `Question ${j} from the customer: where is my parcel?`,
    thread_fid: fid,
    user_fid: j % 2 ? 'gurusup-ai' : 'cust-1',
    is_customer_support_agent: j % 2 === 1,
    created_at: new Date(t0 + j * 1000).toISOString(),
  }));
  return {
    fid,
    body: JSON.stringify({
      thread: createHash('md5').update(fid).digest('hex'),
      thread_fid: fid,
      subject: 'A long one',
      messages,
    }),
  };
}

export async function run() {
  need('curl', 'script');
  const { fid, body } = bigThread(5000);
  const server = await startStatic(body);
  const env = { GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: server.url, GURUSUP_CONFIG_DIR: tmpdir(), TERM: 'xterm' };
  try {
    const pty = (cmd) => ['script', '-qec', `stty cols 120 rows 40; ${cmd}`, '/dev/null'];
    console.log(`show: thread of 5,000 messages, ${(body.length / 1e6).toFixed(1)} MB`);
    // Not a target: the same pty also printing the transcript's bytes with cat, i.e. what
    // getting ~740 KB through a pseudo-terminal costs by itself.
    const text = path.join(tmpdir(), 'transcript.txt');
    const r = spawnSync('script', ['-qec', `stty cols 120 rows 40; node ${BIN} threads show ${fid}`, '/dev/null'], {
      env: { ...process.env, ...env },
      maxBuffer: 64 << 20,
    });
    fs.writeFileSync(text, r.stdout);
    const { results, raw } = await paired(
      {
        base: pty(`node -e 0; curl -s ${server.url}/threads/x > /dev/null`),
        ours: pty(`node ${BIN} threads show ${fid}`),
        cat: pty(`node -e 0; curl -s ${server.url}/threads/x > /dev/null; cat ${text}`),
      },
      [
        {
          name: 'threads show, 5,000 messages, on a pty: added over pty + node -e 0 + curl',
          value: (t) => (t.ours - t.base) * 1000,
          limit: 50,
        },
        {
          name: 'info: the same bytes printed by cat on the same pty, added over the baseline',
          value: (t) => (t.cat - t.base) * 1000,
          limit: Infinity,
        },
      ],
      { env },
    );
    console.log(
      `      medians: pty + node -e 0 + curl ${ms(raw.base)}, ours ${ms(raw.ours)}, baseline + cat of the transcript (${(r.stdout.length / 1e3).toFixed(0)} KB) ${ms(raw.cat)}`,
    );
    const [target, info] = results;
    console.log(
      `info  ${info.name}: ${info.figure.toFixed(0)} ms (spread ${info.spread[0].toFixed(0)}–${info.spread[1].toFixed(0)} ms)`,
    );
    return report(target, { fmt: (x) => x.toFixed(0), unit: ' ms' });
  } finally {
    await server.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) process.exitCode = (await run()) ? 0 : 1;
