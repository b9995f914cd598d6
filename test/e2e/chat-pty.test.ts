import { spawn, spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, startCli, waitForStderr } from '../helpers/cli.js';
import { waitUntil } from '../helpers/wait.js';
import { needs } from '../helpers/needs.js';
import { tempDir } from '../helpers/io.js';

// The REPL needs a real terminal: `script` (Debian: bsdutils) gives the CLI a pseudo-terminal.
const hasScript = spawnSync('sh', ['-c', 'command -v script']).status === 0;
if (!hasScript)
  console.warn('skipping the chat pseudo-terminal test: `script` (Debian package bsdutils) is not installed');

const KEY = 'gsk_test_e2e_chat_0123456789abcdef';
let sandbox: ReturnType<typeof startCli>;
let env: Record<string, string>;

beforeAll(async () => {
  if (!hasScript) return;
  const dir = tempDir();
  sandbox = startCli(['sandbox', '--port', '0', '--api-key', KEY], { env: { GURUSUP_CONFIG_DIR: dir } });
  const url = (await waitForStderr(sandbox, /sandbox on (http:\/\/\S+)/))[1]!;
  env = { GURUSUP_CONFIG_DIR: dir, GURUSUP_API_KEY: KEY, GURUSUP_BASE_URL: url };
});
afterAll(async () => {
  if (!sandbox) return;
  sandbox.kill('SIGINT');
  await sandbox.done;
});

const plain = (s: string) => s.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');

describe('chat on a real pseudo-terminal, against the sandbox, with threads show --follow beside it', () => {
  beforeAll(() => needs(!hasScript && 'script (apt-get install bsdutils) for a pseudo-terminal'));
  it('the conversation typed in chat appears live in --follow; Ctrl-C at the empty prompt exits 0 and the terminal is not left raw', async () => {
    const fid = `live-e2e-${process.pid}`;
    const cmd = `stty cols 100 rows 30; node ${BIN} chat --thread ${fid} --user e2e-user; echo "EXIT=$?"; stty -a`;
    const pty = spawn('script', ['-qfec', cmd, '/dev/null'], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let screen = '';
    pty.stdout.setEncoding('utf8').on('data', (d: string) => (screen += d));
    const closed = new Promise<number | null>((r) => pty.on('close', r));
    const waitFor = (re: RegExp, from = 0) =>
      waitUntil(() => re.test(plain(screen).slice(from)), {
        what: () => `${re} on the terminal:\n${plain(screen)}`,
        timeout: 15_000,
      });
    try {
      await waitFor(/you › $/);
      pty.stdin.write('Hi, I want a refund\r');
      await waitFor(/gurusup › I can help with that refund\.[\s\S]*\(\d+\.\d s\)/);

      // A second terminal follows the same thread.
      const follow = startCli(['threads', 'show', fid, '--follow', '--interval', '1', '--json'], { env });
      try {
        await waitUntil(() => follow.out().split('\n').length >= 2, {
          what: () => `the follow's thread line: ${follow.err()}`,
        });
        const mark = plain(screen).length;
        pty.stdin.write('Where is my parcel?\r');
        await waitFor(/gurusup › Orders ship within 24 hours/, mark);
        await waitUntil(() => follow.out().includes('Orders ship within'), {
          what: () => `the reply in the follow's output: ${follow.out()}`,
        });
      } finally {
        follow.kill('SIGINT');
      }
      const followed = await follow.done;
      expect(followed.code).toBe(0);
      const lines = followed.stdout
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect((lines[0]!.messages as unknown[]).length).toBe(2);
      expect(lines.slice(1).map((m) => m.body)).toEqual([
        'Where is my parcel?',
        expect.stringMatching(/^Orders ship within 24 hours/),
      ]);

      await waitFor(/you › $/);
      pty.stdin.write('\u0003');
      expect(await closed).toBe(0);
    } finally {
      pty.kill();
    }
    const text = plain(screen);
    expect(text).toContain('EXIT=0');
    // After the CLI, the terminal is back in cooked mode with echo.
    const modes = text.slice(text.indexOf('EXIT=0'));
    expect(modes).toMatch(/(^|\s)icanon(\s|$)/m);
    expect(modes).toMatch(/(^|\s)echo(\s|$)/m);
  }, 40_000);
});
