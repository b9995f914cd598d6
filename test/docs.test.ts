import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from './helpers/cli.js';
import { docBlocks, type DocBlock } from './helpers/doc-blocks.js';
import { tempDir } from './helpers/io.js';
import { startSandbox, type Sandbox } from '../src/sandbox/server.js';
import { SandboxStore } from '../src/sandbox/store.js';
import { seedThreads } from '../src/sandbox/seed.js';

// Every fenced `sh` block of README.md and docs/*.md runs, in order, as a user would paste it:
// `gurusup` on the PATH (the built bin), a temp config dir, HOME and cwd (holding a copy of
// examples/), and the docs' sandbox address (http://127.0.0.1:8787, key gsk_sandbox_local)
// pointing at a fresh sandbox on a free port, one per file. A block must exit 0 unless a marker
// says otherwise (see test/helpers/doc-blocks.ts); a block that needs the outside world or runs
// until Ctrl-C is skipped by a marker with its reason.
const ROOT = path.resolve(path.dirname(BIN), '..');
const DOCS = [
  'README.md',
  'CONTRIBUTING.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const KEY = 'gsk_sandbox_local';
// Limits that catch a block that hangs (runs until Ctrl-C), generous for a loaded machine: not a speed test.
const BLOCK_TIMEOUT_MS = 30_000;
const FILE_TIMEOUT_MS = 120_000;

let binDir: string;
let cacheDir: string;
beforeAll(() => {
  binDir = tempDir('gurusup-docs-bin-');
  cacheDir = tempDir('gurusup-docs-cache-');
  const wrapper = path.join(binDir, 'gurusup');
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`, { mode: 0o755 });
});

const sandboxes: Sandbox[] = [];
/** Process groups of blocks still running: ended in afterAll, whatever ended the test (a timeout). */
const running = new Set<number>();
const killGroup = (pid: number) => {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
};
afterAll(async () => {
  for (const pid of running) killGroup(pid);
  await Promise.all(sandboxes.map((s) => s.close()));
});

interface BlockRun {
  code: number | null;
  out: string;
}

function runBlock(b: DocBlock, cwd: string, home: string, sandboxUrl: string): Promise<BlockRun> {
  const script = `set -eo pipefail\n${b.code.replaceAll('http://127.0.0.1:8787', sandboxUrl)}\n`;
  const env: NodeJS.ProcessEnv = {
    PATH: `${binDir}${path.delimiter}${process.env.PATH}`,
    HOME: home,
    GURUSUP_CONFIG_DIR: path.join(home, 'config'),
    GURUSUP_CACHE_DIR: cacheDir,
    GURUSUP_BASE_URL: sandboxUrl,
    GURUSUP_API_KEY: KEY,
    LANG: 'C.UTF-8',
  };
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    running.add(child.pid!);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const timer = setTimeout(() => {
      out += `\n[docs test: killed after ${BLOCK_TIMEOUT_MS} ms]`;
      killGroup(child.pid!);
    }, BLOCK_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      // A background job of the block (`listen … &`) must not outlive it.
      killGroup(child.pid!);
      running.delete(child.pid!);
      resolve({ code, out });
    });
  });
}

describe('docs: every sh block runs as written', () => {
  it('the README is a front page of at most 300 lines', () => {
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8').split('\n').length).toBeLessThanOrEqual(300);
  });

  it('shell examples are fenced as sh (so none escapes this test)', () => {
    for (const f of DOCS)
      for (const b of docBlocks(path.join(ROOT, f)))
        expect(['bash', 'shell', 'console', 'zsh'], `${f}:${b.line}`).not.toContain(b.lang);
  });

  it('a block that fails without a marker fails the test; markers are read', async () => {
    const md = [
      '<!-- docs-test: skip (needs the network) -->',
      '',
      '```sh',
      'curl https://example.com',
      '```',
      '<!-- docs-test: exit 4 -->',
      '```sh',
      'exit 4',
      '```',
      '```sh',
      'false',
      'echo not reached',
      '```',
    ].join('\n');
    const blocks = docBlocks('x.md', md);
    expect(blocks.map((b) => [b.line, b.notRun, b.exit])).toEqual([
      [3, 'needs the network', 0],
      [7, undefined, 4],
      [10, undefined, 0],
    ]);
    const r = await runBlock(blocks[2]!, tempDir(), tempDir(), 'http://127.0.0.1:9');
    expect(r.code).toBe(1);
    expect(r.out).not.toContain('not reached');
    expect(() => docBlocks('x.md', '<!-- docs-test: skipp (x) -->\n```sh\ntrue\n```\n')).toThrow(/unknown/);
  });

  for (const f of DOCS) {
    it.concurrent(
      f,
      async () => {
        const blocks = docBlocks(path.join(ROOT, f)).filter((b) => b.lang === 'sh');
        for (const b of blocks.filter((b) => b.notRun !== undefined))
          expect(b.notRun!.length, `${f}:${b.line}`).toBeGreaterThan(3);
        const toRun = blocks.filter((b) => b.notRun === undefined);
        if (toRun.length === 0) return;
        const sb = await startSandbox({
          host: '127.0.0.1',
          port: 0,
          apiKey: KEY,
          store: new SandboxStore(seedThreads()),
        });
        sandboxes.push(sb);
        const cwd = tempDir('gurusup-docs-cwd-');
        fs.cpSync(path.join(ROOT, 'examples'), path.join(cwd, 'examples'), { recursive: true });
        const home = tempDir('gurusup-docs-home-');
        const failures: string[] = [];
        for (const b of toRun) {
          const r = await runBlock(b, cwd, home, sb.url);
          if (r.code !== b.exit)
            failures.push(`${f}:${b.line}: exit ${r.code}, expected ${b.exit}\n${b.code}\n--- output ---\n${r.out}`);
        }
        expect(failures.join('\n\n')).toBe('');
      },
      FILE_TIMEOUT_MS,
    );
  }
});
