import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../helpers/needs.js';
import { tempDir } from '../helpers/io.js';
import { HAS_SCRIPT, NO_SCRIPT, pty, screenLines, startPty, width } from '../helpers/pty.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/server.js';
import { SandboxStore } from '../../src/sandbox/store.js';
import { seedThreads } from '../../src/sandbox/seed.js';

// Every line the CLI writes for people on a terminal fits it: wrapped at word boundaries, never
// left for the terminal to break mid-word. Errors, hints, warnings, status and summary lines,
// prompts and start lines of each command, at 40 and 80 columns, on a real pseudo-terminal.
const KEY = 'gsk_test_narrow_0123456789abcdef';
let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ host: '127.0.0.1', port: 0, apiKey: KEY, store: new SandboxStore(seedThreads()) });
});
afterAll(() => sandbox.close());

const env = () => ({
  GURUSUP_CONFIG_DIR: tempDir(),
  GURUSUP_API_KEY: KEY,
  GURUSUP_BASE_URL: sandbox.url,
  // Spinners redraw with \r; their frames are not lines of text.
  NO_COLOR: '1',
});

/** The screen's lines: a spinner redraws from column 1 (ESC [1G), as a carriage return does. */
const lines = (out: string) => screenLines(out.replace(/\u001b\[1G/g, '\r'));

/** Lines longer than the terminal: the terminal would break them wherever the column ends. */
function overflowing(out: string, cols: number): string[] {
  return lines(out).filter((l) => width(l) > cols);
}

/** Every word of `text` (split on spaces) is whole somewhere in `out`: none was cut in two. */
function wordsWhole(out: string, text: string): void {
  const shown = lines(out).join(' ').split(/\s+/);
  for (const w of text.split(/\s+/)) if (w.length <= 30) expect(shown, `word "${w}"`).toContain(w);
}

const suite = (dir: string) => {
  const file = path.join(dir, 'suite.yaml');
  fs.writeFileSync(
    file,
    'name: narrow\ncases:\n  - name: a refund question that needs a long enough name to wrap\n    turns:\n      - send: "I want a refund"\n        expect:\n          - icontains: "this text is never in a reply"\n',
  );
  return file;
};

describe('lines for people fit a narrow terminal', () => {
  beforeAll(() => needs(!HAS_SCRIPT && NO_SCRIPT));
  for (const cols of [40, 80]) {
    it(`${cols} columns: errors and hints (network, not found, usage, config)`, async () => {
      const cases: Array<[string[], Record<string, string>]> = [
        [['threads', 'list'], { GURUSUP_BASE_URL: 'http://127.0.0.1:9' }],
        [['threads', 'show', 'no-such-thread-with-a-longer-name'], {}],
        [['threads', 'show', '0123456789abcdef0123456789abcdef'], {}],
        [['messages', 'send', '--thread', 't'], {}],
        [['threads', 'list', '--since', 'yesterday-ish'], {}],
        [['threads', 'list', '--bogus-option'], {}],
        [['threads', 'list'], { GURUSUP_API_KEY: '' }],
        [['webhook', 'trigger', '--to', 'http://127.0.0.1:9/hooks'], {}],
      ];
      // At 80 columns the lines that can reach it; the network ones wait out retries (~2 s each).
      for (const [args, extra] of cols === 40 ? cases : cases.filter(([, e]) => !e.GURUSUP_BASE_URL)) {
        const r = await pty(args, { cols, env: { ...env(), ...extra } });
        expect(r.code, `${args.join(' ')}: ${r.out}`).not.toBe(0);
        expect(r.out).toMatch(/error:/);
        expect(overflowing(r.out, cols), `${args.join(' ')} at ${cols}`).toEqual([]);
      }
    });

    it(`${cols} columns: status and summary lines (auth status, eval, webhook verify)`, async () => {
      const dir = tempDir();
      const runs: string[][] = [
        ['auth', 'status'],
        ['eval', suite(dir)],
        ['webhook', 'verify', 'http://127.0.0.1:9/a-receiver-that-is-not-there'],
      ];
      for (const args of runs) {
        const r = await pty(args, { cols, env: env() });
        expect(overflowing(r.out, cols), `${args.join(' ')} at ${cols}:\n${r.out}`).toEqual([]);
      }
    });

    it(`${cols} columns: start lines of the listener and the sandbox, and the login prompt`, async () => {
      const starts: Array<[string[], RegExp]> = [
        [['webhook', 'listen', '--port', '0'], /Ctrl-C to stop/],
        [['sandbox', '--port', '0', '--api-key', KEY], /Use it:/],
        [['auth', 'login'], /key/i],
        [['chat', '--user', 'a-customer-with-a-long-user-name'], /you › /],
      ];
      for (const [args, ready] of starts) {
        const p = startPty(args, { cols, env: { ...env(), GURUSUP_API_KEY: args[0] === 'auth' ? undefined : KEY } });
        await p.waitFor(ready);
        p.child.kill('SIGTERM');
        const r = await p.done;
        expect(overflowing(r.out, cols), `${args.join(' ')} at ${cols}:\n${r.out}`).toEqual([]);
      }
    });
  }

  it('a long error at 40 columns keeps each word whole, continuation under the text', async () => {
    const r = await pty(['threads', 'list'], { cols: 40, env: { ...env(), GURUSUP_BASE_URL: 'http://127.0.0.1:9' } });
    const shown = lines(r.out).filter((l) => l.trim());
    const err = shown.findIndex((l) => l.startsWith('error: '));
    expect(shown[err + 1]).toMatch(/^ {7}\S/);
    wordsWhole(r.out, 'error: cannot connect to 127.0.0.1:9: connection refused');
    wordsWhole(r.out, 'hint: check --base-url (or GURUSUP_BASE_URL) and your network connection');
  });
});
