import { describe, expect, it } from 'vitest';
import { startInProcess, tempDir } from '../helpers/io.js';

// Review: `sandbox --webhook-url http://user:pw@host/…` printed the password at start and in every
// delivery log line.

describe('sandbox --webhook-url with a password', () => {
  it('is never shown, at start or in the delivery lines', async () => {
    const PW = 'hookPW4567';
    const p = startInProcess(['sandbox', '--port', '0', '--webhook-url', `http://hook:${PW}@127.0.0.1:1/h`], {
      env: { GURUSUP_CONFIG_DIR: tempDir() },
    });
    const base = (await p.waitFor(/sandbox on (http:\/\/\S+)/))[1]!;
    const res = await fetch(`${base}/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'gsk_sandbox_local', 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'hi', user_fid: 'u', thread_fid: 't', is_customer_support_agent: false }),
    });
    expect(res.status).toBe(201);
    await p.waitFor(/webhook → .*refused/);
    p.abort();
    expect(await p.done).toBe(0);
    expect(p.stderr()).toContain('http://[redacted]@127.0.0.1:1/h');
    expect(p.stderr()).not.toContain(PW);
    // The key the user needs is still shown whole once.
    expect(p.stderr()).toContain('GURUSUP_API_KEY=gsk_sandbox_local');
  });
});
