import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { needs } from '../helpers/needs.js';
import { BIN, cli } from '../helpers/cli.js';
import { tempDir } from '../helpers/io.js';

// The start-up code cache is code: whoever can write it chooses what runs. These tests plant what
// another local user could, and check that gurusup runs the installed bundle and nothing else.
const ROOT = path.resolve(BIN, '../..');
const isRoot = process.getuid?.() === 0;
const OTHER_UID = 65534; // nobody: as root, files can be given to another user without useradd
const load = createRequire(import.meta.url)(path.join(ROOT, 'bin/load.js')) as {
  writeCache(file: string, data: Buffer, tmp?: string): boolean;
};

const NO_KEY = 'error: no API key: this command needs one\n';
const env = (cache: string) => ({ GURUSUP_CACHE_DIR: cache, GURUSUP_CONFIG_DIR: tempDir() });
/** `gurusup threads list` with no key: exit 3 and one known line, unless something else runs. */
function listing(cache: string, bin = BIN) {
  const r = spawnSync(process.execPath, [bin, 'threads', 'list'], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env(cache) },
    encoding: 'utf8',
    timeout: 15_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The cache file the CLI would use for dist/cli.cjs, asked of a node started as the CLI is. */
function cachePath(cache: string, root = ROOT): string {
  const script = `const l = require(${JSON.stringify(path.join(root, 'bin/load.js'))});
const src = require('fs').readFileSync(l.file, 'utf8');
process.stdout.write(l.cacheFileFor(l.file, process.env, l.contentHashes(), src.length));`;
  // A file, not -e: the key holds process.execArgv, which -e would be part of.
  const js = path.join(tempDir(), 'cache-path.cjs');
  fs.writeFileSync(js, script);
  return execFileSync(process.execPath, [js], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, GURUSUP_CACHE_DIR: cache },
    encoding: 'utf8',
  });
}

/**
 * A V8 cache compiled from a script of the bundle's length that prints PWNED: V8 checks only the
 * length, so a loader that reads it runs it instead of the bundle.
 */
function plant(cacheFile: string): void {
  const script = `const vm = require('vm');
const fs = require('fs');
const len = fs.readFileSync(${JSON.stringify(path.join(ROOT, 'dist/cli.cjs'))}, 'utf8').length;
const evil = 'process.stdout.write("PWNED\\\\n");';
const W = ['(function (exports, require, module, __filename, __dirname) { ', '\\n});'];
const s = new vm.Script(W[0] + evil + ' '.repeat(len - evil.length) + W[1]);
// Run, so the function itself is compiled into the cache (not left for V8 to compile lazily).
s.runInThisContext()({}, require, {}, '', '');
fs.writeFileSync(${JSON.stringify(cacheFile)}, s.createCachedData());`;
  execFileSync(process.execPath, ['-e', script], { env: { PATH: process.env.PATH }, stdio: 'ignore' });
}

describe('the code cache is never read from a place another user can write', () => {
  it('a planted cache in our own directory is what the test plants: it runs, proving the plant is real', async () => {
    const cache = tempDir();
    const file = cachePath(cache);
    plant(file);
    fs.chmodSync(file, 0o600);
    // Not a defect: the user's own cache is trusted. This shows the other tests would catch a read.
    const r = listing(cache);
    expect(r.stdout).toBe('PWNED\n');
  });

  it('a directory others can write (0777): the plant never runs, and nothing is written there', async () => {
    const cache = tempDir();
    fs.chmodSync(cache, 0o777);
    const file = cachePath(cache);
    plant(file);
    fs.chmodSync(file, 0o600);
    const r = listing(cache);
    expect(r).toEqual({
      code: 3,
      stdout: '',
      stderr: `${NO_KEY}hint: run 'gurusup auth login', or set GURUSUP_API_KEY\n`,
    });
    expect(fs.readdirSync(cache)).toEqual([path.basename(file)]);
  });

  it('a cache file others can write (0666) in our directory is never read', async () => {
    const cache = tempDir();
    const file = cachePath(cache);
    plant(file);
    fs.chmodSync(file, 0o666);
    const r = listing(cache);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
  });

  it('(as root) a directory owned by another user is neither read nor written', async () => {
    needs(!isRoot && 'root, to give files to another user (uid 65534)');
    const cache = tempDir();
    fs.chmodSync(cache, 0o755);
    const file = cachePath(cache);
    plant(file);
    fs.chmodSync(file, 0o644);
    fs.chownSync(file, OTHER_UID, OTHER_UID);
    fs.chownSync(cache, OTHER_UID, OTHER_UID);
    const r = listing(cache);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(fs.readdirSync(cache)).toEqual([path.basename(file)]);
  });

  it('(as root) a file owned by another user in our private directory is never read', async () => {
    needs(!isRoot && 'root, to give files to another user (uid 65534)');
    const cache = tempDir();
    const file = cachePath(cache);
    plant(file);
    fs.chmodSync(file, 0o644);
    fs.chownSync(file, OTHER_UID, OTHER_UID);
    const r = listing(cache);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
  });

  it('a directory that does not exist yet is created private (0700)', async () => {
    const cache = path.join(tempDir(), 'a', 'gurusup');
    const r = listing(cache);
    expect(r.code).toBe(3);
    expect(fs.statSync(cache).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(cache).filter((f) => f.endsWith('.cache'))).toHaveLength(1);
  });
});

describe('the code cache follows the bundle content', () => {
  it('a rebuild to the same size, with the old modification times kept, runs the new code', async () => {
    const root = tempDir();
    fs.cpSync(path.join(ROOT, 'bin'), path.join(root, 'bin'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'dist'), path.join(root, 'dist'), { recursive: true });
    const bin = path.join(root, 'bin/gurusup.js');
    const cache = tempDir();
    expect(listing(cache, bin).stderr).toContain('this command needs one');
    // Same length, same mtime (cp -p, rsync -t, an equal-length version bump): only the content differs.
    const bundle = path.join(root, 'dist/cli.cjs');
    const hashes = path.join(root, 'dist/hashes.json');
    // Reference copies keep the exact (nanosecond) times, as cp -p does.
    execFileSync('cp', ['-p', bundle, `${bundle}.ref`]);
    execFileSync('cp', ['-p', hashes, `${hashes}.ref`]);
    const before = fs.readFileSync(bundle, 'utf8');
    const after = before.replace('this command needs one', 'THIS COMMAND NEEDS ONE');
    expect(after.length).toBe(before.length);
    fs.writeFileSync(bundle, after);
    const h = JSON.parse(fs.readFileSync(hashes, 'utf8')) as Record<string, string>;
    h['cli.cjs'] = createHash('sha256').update(after).digest('hex');
    fs.writeFileSync(hashes, JSON.stringify(h));
    execFileSync('touch', ['-r', `${bundle}.ref`, bundle]);
    execFileSync('touch', ['-r', `${hashes}.ref`, hashes]);
    expect(fs.statSync(bundle).mtimeMs).toBe(fs.statSync(`${bundle}.ref`).mtimeMs);
    expect(listing(cache, bin).stderr).toContain('THIS COMMAND NEEDS ONE');
  });

  it('a bundle without its hashes runs without any cache', async () => {
    const root = tempDir();
    fs.cpSync(path.join(ROOT, 'bin'), path.join(root, 'bin'), { recursive: true });
    fs.cpSync(path.join(ROOT, 'dist'), path.join(root, 'dist'), { recursive: true });
    fs.rmSync(path.join(root, 'dist/hashes.json'));
    const cache = tempDir();
    const r = listing(cache, path.join(root, 'bin/gurusup.js'));
    expect(r.code).toBe(3);
    expect(fs.readdirSync(cache)).toEqual([]);
  });
});

describe('what sits at the cache path cannot hang or redirect a command', () => {
  it('a FIFO as the cache file: the command runs at once without it', async () => {
    const cache = tempDir();
    const file = cachePath(cache);
    execFileSync('mkfifo', [file]);
    const r = listing(cache);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('this command needs one');
  });

  it('a symlink to /dev/zero as the cache file: not followed, and /dev/zero is not written', async () => {
    const cache = tempDir();
    const file = cachePath(cache);
    fs.symlinkSync('/dev/zero', file);
    const r = listing(cache);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
  });

  it('a symlink to a planted cache elsewhere is not followed', async () => {
    const cache = tempDir();
    const file = cachePath(cache);
    const elsewhere = path.join(tempDir(), 'planted.cache');
    plant(elsewhere);
    fs.chmodSync(elsewhere, 0o600);
    fs.symlinkSync(elsewhere, file);
    const r = listing(cache);
    expect(r.stdout).toBe('');
    expect(r.code).toBe(3);
  });

  it('a cache file over 64 MiB is not read', async () => {
    const cache = tempDir();
    const file = cachePath(cache);
    fs.writeFileSync(file, '', { mode: 0o600 });
    fs.truncateSync(file, 65 * 1024 * 1024);
    const r = listing(cache);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
  });

  it('the temporary file is created exclusively: a planted symlink there is not written through', () => {
    const dir = tempDir();
    const victim = path.join(tempDir(), 'victim.txt');
    fs.writeFileSync(victim, 'keep my bytes\n');
    const tmp = path.join(dir, 'v8-cli-0000000000000000.cache.1.tmp');
    fs.symlinkSync(victim, tmp);
    expect(load.writeCache(path.join(dir, 'v8-cli-0000000000000000.cache'), Buffer.alloc(1000, 7), tmp)).toBe(false);
    expect(fs.readFileSync(victim, 'utf8')).toBe('keep my bytes\n');
    expect(fs.lstatSync(tmp).isSymbolicLink()).toBe(true);
    expect(fs.existsSync(path.join(dir, 'v8-cli-0000000000000000.cache'))).toBe(false);
  });

  it('the cache the CLI writes is private to the user (0600)', async () => {
    const cache = tempDir();
    await cli(['threads', 'list'], { env: env(cache) });
    const files = fs.readdirSync(cache);
    expect(files.filter((f) => f.endsWith('.tmp'))).toEqual([]);
    for (const f of files) expect(fs.statSync(path.join(cache, f)).mode & 0o777).toBe(0o600);
  });
});

describe('temporary files do not pile up', () => {
  it('a rename that fails (a directory where the cache goes) leaves no temporary file; old ones are pruned', () => {
    const cache = tempDir();
    const file = cachePath(cache);
    fs.mkdirSync(file);
    const old = path.join(cache, 'v8-cli-0000000000000000.cache.99.x.tmp');
    fs.writeFileSync(old, 'left by a killed run');
    const past = new Date(Date.now() - 3600_000);
    fs.utimesSync(old, past, past);
    for (let i = 0; i < 2; i++) expect(listing(cache).code).toBe(3);
    expect(fs.readdirSync(cache).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
