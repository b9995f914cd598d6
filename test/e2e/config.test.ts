import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';

describe('the config file under concurrent writers', () => {
  it('eight auth login processes at once: valid JSON, every profile kept, mode 0600, no lock left', async () => {
    const dir = tempDir();
    const key = (i: number) => `gsk_race_${i}_0123456789abcdef`;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        cli(['auth', 'login', '--with-key', '--skip-check', '--profile', `p${i}`], {
          env: { GURUSUP_CONFIG_DIR: dir },
          input: key(i),
        }),
      ),
    );
    expect(results.map((r) => r.code)).toEqual(Array(8).fill(0));
    const file = path.join(dir, 'config.json');
    const stored = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(Object.keys(stored.profiles).sort()).toEqual(Array.from({ length: 8 }, (_, i) => `p${i}`));
    for (let i = 0; i < 8; i++) expect(stored.profiles[`p${i}`].api_key).toBe(key(i));
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir).sort()).toEqual(['config.json']);
  });
});
