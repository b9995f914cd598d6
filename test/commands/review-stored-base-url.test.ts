import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';

// Review: "a stored profile setting that is invalid is a clear error naming the profile and setting
// (exit 1)" held for timeout only: a bad stored base_url was a usage error (exit 2) that did not
// name the setting ("invalid base URL 5 from profile default").

function configWith(profile: Record<string, unknown>): string {
  const dir = tempDir();
  fs.writeFileSync(
    path.join(dir, 'config.json'),
    JSON.stringify({ active: 'work', profiles: { work: { api_key: 'gsk_test_review_0123456789', ...profile } } }),
    { mode: 0o600 },
  );
  return dir;
}

describe('an invalid base_url stored in a profile', () => {
  it.each([['ftp://files.example'], [5], ['not a url']])(
    '%j: exit 1 naming the profile and the setting',
    async (value) => {
      const r = await run(['threads', 'list'], { env: { GURUSUP_CONFIG_DIR: configWith({ base_url: value }) } });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^error: invalid setting "base_url" in profile work: /);
      expect(r.stderr).toMatch(/\nhint: .*--base-url/);
    },
  );

  it('--base-url still overrides it', async () => {
    const r = await run(['threads', 'list', '--base-url', 'http://127.0.0.1:1'], {
      env: { GURUSUP_CONFIG_DIR: configWith({ base_url: 5 }) },
    });
    expect(r.code).toBe(5);
  });
});
