'use strict';
// Loads the bundle (dist/cli.cjs) as fast as the running Node allows: a vm.Script with a V8 code
// cache kept in the user's cache directory, keyed by the bundle's content hash (written by
// build.mjs into dist/hashes.json), the Node version and the V8 flags. A missing or rejected cache
// (a Node upgrade, a flag in NODE_OPTIONS) is rebuilt when the process exits, so it heals itself.
// On 22 and 24 this starts `threads list` 4-5 ms sooner than Node's own module.enableCompileCache
// (BENCHMARKS.md §1). --debug: a plain require with source maps on, so stack traces name our
// TypeScript sources. Only what every run needs is required here: node:crypto, node:os and
// node:module cost ~1.5 ms of start-up together, and none is needed.
//
// A cache is code: V8 runs whatever a cache holds when its source length matches. So a cache is
// read or written only in a directory, and from a file, that the user owns and no one else can
// write (checked with fstat on the opened descriptor); only a regular file of a sane size is read,
// opened without following a symlink and without blocking (a FIFO); temporary files are created
// exclusively. Anything else: the bundle runs without a cache. CONTRIBUTING.md lists these rules.
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'dist', 'cli.cjs');
// Called by the bundle before it changes V8's flags (src/runtime/v8-flags.ts).
const BEFORE_V8_FLAGS = Symbol.for('gurusup.beforeV8Flags');
// The bundle's cache is ~200 KB: anything this large is not ours.
const MAX_CACHE_BYTES = 64 * 1024 * 1024;
const { O_RDONLY, O_NOFOLLOW = 0, O_NONBLOCK = 0, O_DIRECTORY = 0 } = fs.constants;

function cacheDir(env) {
  if (env.GURUSUP_CACHE_DIR) return env.GURUSUP_CACHE_DIR;
  const home = () => env.HOME || require('node:os').homedir();
  const base =
    env.XDG_CACHE_HOME ||
    (process.platform === 'darwin' ? path.join(home(), 'Library', 'Caches') : path.join(home(), '.cache'));
  return path.join(base, 'gurusup');
}

function loadCli(o = {}) {
  const env = o.env || process.env;
  if (o.debug) {
    process.setSourceMapsEnabled(true);
    return { cli: require(file), how: 'require+sourcemaps' };
  }
  if (env.GURUSUP_NO_CODE_CACHE === '1') return { cli: require(file), how: 'require' };
  const hashes = contentHashes();
  // No hashes (a bundle not made by build.mjs): no key that follows its content, so no cache.
  if (!hashes) return { cli: require(file), how: 'require' };
  const { exports, hit } = runCached(file, env, hashes);
  loaded.set(file, exports);
  return { cli: exports, how: hit ? 'code-cache' : 'code-cache-miss' };
}

/** dist/hashes.json: each dist file's SHA-256, computed at build time so start-up hashes nothing. */
function contentHashes() {
  try {
    const h = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'dist', 'hashes.json'), 'utf8'));
    return h && typeof h === 'object' ? h : undefined;
  } catch {
    return undefined;
  }
}

/** 64-bit FNV-1a as 16 hex digits: a file name, not a secret, so no need to load node:crypto. */
function fnv1a64(text) {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) h = BigInt.asUintN(64, (h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

/** Owned by us and writable by no one else (POSIX; elsewhere there is no uid to compare). */
function safeOwner(st) {
  if (typeof process.getuid !== 'function') return true;
  return st.uid === process.getuid() && (st.mode & 0o022) === 0;
}

/** Whether `dir` is a directory (not a symlink) that the user owns and no one else can write. */
function safeDir(dir) {
  let fd;
  try {
    fd = fs.openSync(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
    const st = fs.fstatSync(fd);
    return st.isDirectory() && safeOwner(st);
  } catch {
    return false;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The cache's bytes, or undefined when there is none that may be trusted. */
function readCache(dir, cacheFile) {
  if (!safeDir(dir)) return undefined;
  let fd;
  try {
    // O_NONBLOCK: a FIFO opens at once (and is then refused) instead of waiting for a writer.
    fd = fs.openSync(cacheFile, O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    const st = fs.fstatSync(fd);
    if (!st.isFile() || !safeOwner(st) || st.size === 0 || st.size > MAX_CACHE_BYTES) return undefined;
    const buf = Buffer.allocUnsafe(st.size);
    let off = 0;
    while (off < st.size) {
      const n = fs.readSync(fd, buf, off, st.size - off, off);
      if (n <= 0) return undefined;
      off += n;
    }
    return buf;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Writes `data` to `cacheFile` through a temporary file created exclusively (O_EXCL never follows
 * an existing path or symlink), then renamed over it. False when it could not.
 */
function writeCache(cacheFile, data, tmp = `${cacheFile}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`) {
  let fd;
  let created = false;
  try {
    const { O_WRONLY, O_CREAT, O_EXCL } = fs.constants;
    fd = fs.openSync(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
    created = true;
    let off = 0;
    while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
    fs.closeSync(fd);
    fd = undefined;
    fs.renameSync(tmp, cacheFile);
    return true;
  } catch {
    if (fd !== undefined) fs.closeSync(fd);
    // Ours whatever failed (a write, the rename): an EEXIST planted path is not, and is left.
    if (fd !== undefined || created) fs.rmSync(tmp, { force: true });
    return false;
  }
}

/** The cache's path for one dist file: anything that changes what V8 compiles or accepts is in it. */
function cacheFileFor(target, env, hashes, sourceLength) {
  const name = path.basename(target, '.cjs');
  const rel = path
    .relative(path.join(__dirname, '..', 'dist'), target)
    .split(path.sep)
    .join('/');
  const key = fnv1a64(
    [
      name,
      hashes[rel],
      sourceLength,
      process.version,
      process.arch,
      process.execArgv.join(' '),
      env.NODE_OPTIONS || '',
    ].join('\0'),
  );
  return path.join(cacheDir(env), `v8-${name}-${key}.cache`);
}

// What Module.wrap gives; written out so as not to load node:module.
const WRAP = ['(function (exports, require, module, __filename, __dirname) { ', '\n});'];

/** Scripts whose cache is missing or was rejected: written when the process exits. */
const unsaved = [];

/** Compiles and runs one CommonJS file (the bundle, or a dist/vendor/ library it requires). */
function runCached(target, env, hashes) {
  const vm = require('node:vm');
  const source = fs.readFileSync(target, 'utf8');
  const rel = path
    .relative(path.join(__dirname, '..', 'dist'), target)
    .split(path.sep)
    .join('/');
  let cachedData;
  let cacheFile;
  if (typeof hashes[rel] === 'string') {
    cacheFile = cacheFileFor(target, env, hashes, source.length);
    cachedData = readCache(path.dirname(cacheFile), cacheFile);
  }
  const script = new vm.Script(WRAP[0] + source + WRAP[1], { filename: target, cachedData });
  const hit = cachedData !== undefined && !script.cachedDataRejected;
  if (!hit && cacheFile) remember(script, cacheFile);
  const mod = { exports: {} };
  // Our files require Node built-ins, and the bundle ./vendor/*.cjs, relative to dist/.
  const dir = path.dirname(target);
  const requireHere = (id) => (id.startsWith('./') ? runOnce(path.join(dir, id), env, hashes) : require(id));
  script.runInThisContext()(mod.exports, requireHere, mod, target, dir);
  return { exports: mod.exports, hit };
}

const loaded = new Map();
function runOnce(target, env, hashes) {
  if (!loaded.has(target)) loaded.set(target, runCached(target, env, hashes).exports);
  return loaded.get(target);
}

function remember(script, cacheFile) {
  const entry = { script, cacheFile, taken: undefined };
  unsaved.push(entry);
  if (unsaved.length > 1) return;
  // V8 stamps a cache with its flags: one made after the proxy path set --liftoff-only would be
  // rejected by every later run. That path calls this first, so what is loaded by then is taken
  // before (what loads after, undici, always loads under that flag).
  globalThis[BEFORE_V8_FLAGS] = () => {
    for (const e of unsaved) e.taken ??= e.script.createCachedData();
  };
  process.once('exit', () => {
    // After the run, so the functions it compiled are in the cache too. Never an error.
    try {
      const dir = path.dirname(cacheFile);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      if (!safeDir(dir)) return;
      for (const e of unsaved) writeCache(e.cacheFile, e.taken ?? e.script.createCachedData());
      prune(dir);
    } catch {
      // read-only or full: the next run compiles again
    }
  });
}

/**
 * A cache per file, content and flags: keep the four newest of each file, so upgrades do not pile
 * them up. (`v8-<key>.cache`, the one-file name of earlier versions, counts as cli's.)
 */
function prune(dir) {
  const groups = new Map();
  for (const f of fs.readdirSync(dir)) {
    // A temporary file a killed run left behind.
    if (/^v8-.*\.tmp$/.test(f) && Date.now() - fs.lstatSync(path.join(dir, f)).mtimeMs > 60_000) {
      fs.rmSync(path.join(dir, f), { force: true });
      continue;
    }
    const m = /^v8-(?:([a-z]+)-)?[0-9a-f]{16}\.cache$/.exec(f);
    if (!m) continue;
    const group = m[1] ?? 'cli';
    const p = path.join(dir, f);
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group).push({ f: p, t: fs.lstatSync(p).mtimeMs });
  }
  for (const caches of groups.values())
    for (const { f } of caches.sort((x, y) => y.t - x.t).slice(4)) fs.rmSync(f, { force: true });
}

module.exports = { loadCli, file, cacheDir, cacheFileFor, readCache, writeCache, safeDir, contentHashes };
