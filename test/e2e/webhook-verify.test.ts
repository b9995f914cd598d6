import { describe, expect, it } from 'vitest';
import { cli, startCli, waitForStderr } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';

const KEY = 'gsk_test_e2e_verify_0123456789abcdef';

describe('webhook verify against our own webhook listen', () => {
  it('the listener is a correct receiver: six of six, exit 0; it accepted exactly the three valid events', async () => {
    const env = { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: KEY };
    const listener = startCli(['webhook', 'listen', '--port', '0', '--json'], { env });
    const url = (await waitForStderr(listener, /Listening on (http:\/\/\S+)/))[1]!;
    try {
      const r = await cli(['webhook', 'verify', url, '--json'], { env });
      expect(r.code).toBe(0);
      const results = JSON.parse(r.stdout) as Array<{ probe: string; pass: boolean }>;
      expect(results.filter((x) => x.pass)).toHaveLength(6);
    } finally {
      listener.kill('SIGINT');
    }
    const done = await listener.done;
    expect(done.code).toBe(0);
    const events = done.stdout
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as { data: { _id: string; body: string } });
    expect(events).toHaveLength(3);
    expect(events[1]!.data._id).toBe(events[0]!.data._id);
    expect(events[2]!.data.body).toHaveLength(10_000);
    expect(done.stderr).toContain('Stopped: 3 accepted, 3 rejected');
  });
});
