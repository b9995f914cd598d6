import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';
import { KEY, sendEvent, until } from './harness.js';

const root = path.resolve(path.dirname(BIN), '..');
const dist = path.join(root, 'dist');

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}

/** Runs a bin/gurusup.js (here: a copy's) with its output collected. */
function start(bin: string, args: string[], env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const code = new Promise<number | null>((r) => child.on('close', r));
  return { child, code, out: () => out, err: () => err };
}

// Strings only the inspector's server and page hold.
const INSPECTOR_ONLY = ['text/event-stream', 'foreign Origin', 'unknown Host', "default-src 'self'", 'Edit and replay'];

describe('webhook listen without --inspect', () => {
  it('the main bundle holds none of the inspector, which is a file of its own', () => {
    const cliCjs = fs.readFileSync(path.join(dist, 'cli.cjs'), 'utf8');
    const inspect = fs.readFileSync(path.join(dist, 'inspect.cjs'), 'utf8');
    for (const s of INSPECTOR_ONLY) {
      expect(cliCjs, s).not.toContain(s);
      expect(inspect, s).toContain(s);
    }
    expect(cliCjs).toContain('require("./inspect.cjs")');
    // A vm.Script (bin/load.js) cannot run import(): every lazy load is a require.
    const cjs = filesUnder(dist).filter((f) => f.endsWith('.cjs'));
    expect(cjs.map((f) => path.relative(dist, f))).toContain('inspect.cjs');
    for (const f of cjs) expect(fs.readFileSync(f, 'utf8'), path.relative(root, f)).not.toMatch(/\bimport\(/);
  });

  it('listens from a copy of the CLI without dist/inspect.cjs; only --inspect needs it', async () => {
    const copy = tempDir('gurusup-noinspect-');
    fs.cpSync(path.join(root, 'bin'), path.join(copy, 'bin'), { recursive: true });
    fs.cpSync(dist, path.join(copy, 'dist'), { recursive: true });
    fs.rmSync(path.join(copy, 'dist', 'inspect.cjs'));
    const bin = path.join(copy, 'bin', 'gurusup.js');
    const env = {
      PATH: process.env.PATH,
      GURUSUP_CONFIG_DIR: tempDir(),
      GURUSUP_CACHE_DIR: tempDir(),
      GURUSUP_API_KEY: KEY,
    };
    const l = start(bin, ['webhook', 'listen', '--port', '0', '--count', '1', '--json'], env);
    const url = await until('the listener', () => /Listening on (\S+)/.exec(l.err())?.[1]);
    expect((await sendEvent(url, '{"ok":1}')).status).toBe(200);
    expect(await l.code).toBe(0);
    expect(l.out()).toBe('{"ok":1}\n');

    const i = start(bin, ['webhook', 'listen', '--port', '0', '--inspect', '0'], env);
    expect(await i.code).toBe(1);
    expect(i.err()).toContain('inspect.cjs');
    expect(i.err()).not.toContain('Listening on');
  });
});
