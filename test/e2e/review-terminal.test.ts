import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/io.js';
import { needs } from '../helpers/needs.js';
import { HAS_SCRIPT, NO_SCRIPT, pty } from '../helpers/pty.js';

// Review, on a real pseudo-terminal: webhook verify's status lines were painted, then escaped, so a
// colour terminal showed "\x1b[2mVerifying …\x1b[22m" and "\x1b[31m0 of 6 probes passed\x1b[39m".

const KEY = 'gsk_test_review_pty_0123456789ab';
let receiver: http.Server;
let url: string;

beforeAll(async () => {
  receiver = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.statusCode = req.headers['x-api-key'] === KEY ? 200 : 401;
      res.end('{}');
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/hook`;
});
afterAll(() => receiver.close());

describe('webhook verify on an 80-column colour terminal', () => {
  beforeAll(() => needs(!HAS_SCRIPT && NO_SCRIPT));
  it('its stderr lines are coloured, never the escape codes as text', async () => {
    const r = await pty(['webhook', 'verify', url], {
      cols: 80,
      env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY },
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain('\u001b[2mVerifying');
    expect(r.out).toMatch(/\u001b\[31m\d of 6 probes passed/);
    expect(r.out).not.toMatch(/\\x1b\[\d+m/);
  });
});
