import { describe, expect, it } from 'vitest';
import { startCli, waitForStderr } from '../helpers/cli.js';
import { post } from '../helpers/http.js';
import { tempDir } from '../helpers/io.js';

const KEY = 'gsk_test_e2e_listen_0123456789abcdef';
const env = () => ({ GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY });

async function urlOf(child: ReturnType<typeof startCli>): Promise<string> {
  return (await waitForStderr(child, /Listening on (http:\/\/\S+)/))[1]!;
}

describe('webhook listen as a process', () => {
  it('--port 0 --count 1 --json prints the event and exits 0', async () => {
    const child = startCli(['webhook', 'listen', '--port', '0', '--count', '1', '--json'], { env: env() });
    const url = await urlOf(child);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const ev = { event: 'send_message', data: { body: 'hi' } };
    expect((await post(url, JSON.stringify(ev), { 'x-api-key': KEY })).status).toBe(200);
    const r = await child.done;
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${JSON.stringify(ev)}\n`);
  });

  it('SIGINT stops it: summary on stderr, exit 0', async () => {
    const child = startCli(['webhook', 'listen', '--port', '0'], { env: env() });
    const url = await urlOf(child);
    await post(url, '{"event":"a"}', { 'x-api-key': KEY });
    await post(url, '{"event":"a"}', { 'x-api-key': 'wrong-key-000000000000' });
    child.kill('SIGINT');
    const r = await child.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Stopped: 1 accepted, 1 rejected');
    expect(r.stdout).toBe('{"event":"a"}\n');
    expect(r.stderr + r.stdout).not.toContain(KEY);
  });

  it('SIGTERM stops it the same way', async () => {
    const child = startCli(['webhook', 'listen', '--port', '0'], { env: env() });
    await urlOf(child);
    child.kill('SIGTERM');
    const r = await child.done;
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('Stopped: 0 accepted, 0 rejected');
  });
});
