import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';

// Review: a receiver that crashed in the middle of its answer to one probe (headers sent, body cut
// off) made `webhook verify` stop there with "the response … was cut off" (exit 1): the probes after
// it never ran, the checklist was incomplete and --json printed nothing at all.

const KEY = 'gsk_test_review_cutoff_0123456789';
let receiver: http.Server;
let url: string;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.headers['x-api-key'] !== KEY) return void res.writeHead(401).end('{}');
      // The long unicode body makes this receiver fall over halfway through its answer.
      if (body.length > 5000) {
        res.writeHead(200, { 'content-length': '100' });
        res.write('{"ok":');
        return void setTimeout(() => res.destroy(), 20);
      }
      if (!body.trim().endsWith('}')) return void res.writeHead(400).end('{}');
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
});
afterAll(() => receiver.close());

const env = () => ({ GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY });

describe('webhook verify against a receiver that cuts one answer off', () => {
  it('piped: every probe is graded, the cut-off one fails, exit 1', async () => {
    const r = await run(['webhook', 'verify', url], { env: env() });
    expect(r.code).toBe(1);
    const rows = r.stdout
      .trimEnd()
      .split('\n')
      .map((l) => l.split('\t').slice(0, 2));
    expect(rows).toEqual([
      ['valid-event', 'pass'],
      ['duplicate', 'pass'],
      ['wrong-key', 'pass'],
      ['missing-key', 'pass'],
      ['unicode-10k', 'fail'],
      ['not-json', 'pass'],
    ]);
  });

  it('--json: the six results', async () => {
    const r = await run(['webhook', 'verify', url, '--json'], { env: env() });
    expect(r.code).toBe(1);
    const results = JSON.parse(r.stdout) as Array<{ probe: string; pass: boolean; detail: string }>;
    expect(results).toHaveLength(6);
    expect(results.find((x) => x.probe === 'unicode-10k')).toMatchObject({
      pass: false,
      detail: expect.stringMatching(/cut off/),
    });
  });
});
