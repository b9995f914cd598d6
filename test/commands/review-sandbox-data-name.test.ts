import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startInProcess, tempDir } from '../helpers/io.js';

// Review: the sandbox's start line printed the --data file name raw: an escape sequence in it
// (ESC ] retitles the terminal, U+202E reverses the line) reached the terminal.

describe('sandbox --data with control characters in the name', () => {
  it('the start line shows the name escaped', async () => {
    const file = path.join(tempDir(), 'x\u001b]0;pwned\u0007\u202e.json');
    const p = startInProcess(['sandbox', '--port', '0', '--data', file], { env: { GURUSUP_CONFIG_DIR: tempDir() } });
    await p.waitFor(/saved to/);
    p.abort();
    expect(await p.done).toBe(0);
    const start = p
      .stderr()
      .split('\n')
      .find((l) => l.includes('saved to'))!;
    expect(start).toContain('x\\x1b]0;pwned\\x07\\u202e.json');
    expect(start).not.toMatch(/[\u001b\u0007\u202e]/);
  });
});
