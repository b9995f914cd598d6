import { describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';

// Review: `webhook listen --path` with an escape sequence started a listener no request could reach
// (Node refuses control characters in a request line) and printed the path raw in its
// "Listening on …" line: ESC ] retitled the terminal, U+202E reversed the rest of the line.

describe('webhook listen --path with control characters', () => {
  it.each([['/a\u001b]0;pwned\u0007'], ['/hooks/\u202eevil'], ['/a b'], ['/x\u009b31m']])(
    '%j: exit 2, nothing raw on stderr',
    async (path) => {
      const r = await run(['webhook', 'listen', '--port', '0', '--path', path], {
        env: { GURUSUP_CONFIG_DIR: tempDir(), GURUSUP_API_KEY: 'gsk_test_review_path_0123456' },
      });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: --path cannot contain/);
      expect(r.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e]/);
    },
  );
});
