'use strict';
// Loads the bundle (dist/cli.cjs) as fast as the running Node allows: a vm.Script with a V8 code
// cache kept in the user's cache directory, keyed by the bundle, the Node version and the V8
// flags. A missing or rejected cache (a Node upgrade, a flag in NODE_OPTIONS) is simply rebuilt
// when the process exits, so it heals itself. The same on every Node: on 22 and 24 it starts
// `threads list` 4-5 ms sooner than Node's own module.enableCompileCache (BENCHMARKS.md §1).
// --debug: a plain require with source maps on, so stack traces name our TypeScript sources.
// Only what every run needs is required here: node:crypto, node:os and node:module cost ~1.5 ms
// of start-up together, and none is needed.
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'dist', 'cli.cjs');
// Called by the bundle before it changes V8's flags (src/v8-flags.ts).
const BEFORE_V8_FLAGS = Symbol.for('gurusup.beforeV8Flags');

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
  return loadWithCodeCache(env);
}

/** 64-bit FNV-1a as 16 hex digits: a file name, not a secret, so no need to load node:crypto. */
function fnv1a64(text) {
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < text.length; i++) h = BigInt.asUintN(64, (h ^ BigInt(text.charCodeAt(i))) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

// What Module.wrap gives; written out so as not to load node:module.
const WRAP = ['(function (exports, require, module, __filename, __dirname) { ', '\n});'];

/** Scripts whose cache is missing or was rejected: written when the process exits. */
const unsaved = [];

/**
 * Compiles and runs one CommonJS file (the bundle, or a dist/vendor/ library it requires) with its
 * V8 code cache. Anything that changes what V8 compiles, or whether it accepts a cache, is in the
 * cache's name.
 */
function runCached(target, env) {
  const vm = require('node:vm');
  const source = fs.readFileSync(target, 'utf8');
  const st = fs.statSync(target);
  const name = path.basename(target, '.cjs');
  const key = fnv1a64(
    [name, process.version, process.arch, st.size, st.mtimeMs, process.execArgv.join(' '), env.NODE_OPTIONS || ''].join(
      '\0',
    ),
  );
  const cacheFile = path.join(cacheDir(env), `v8-${name}-${key}.cache`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // first run with this file and Node: compile, and write the cache on exit
  }
  const script = new vm.Script(WRAP[0] + source + WRAP[1], { filename: target, cachedData });
  const hit = cachedData !== undefined && !script.cachedDataRejected;
  if (!hit) remember(script, cacheFile, env);
  const mod = { exports: {} };
  // Our files require Node built-ins, and the bundle ./vendor/*.cjs, relative to dist/.
  const dir = path.dirname(target);
  const requireHere = (id) => (id.startsWith('./') ? runOnce(path.join(dir, id), env) : require(id));
  script.runInThisContext()(mod.exports, requireHere, mod, target, dir);
  return { exports: mod.exports, hit };
}

const loaded = new Map();
function runOnce(target, env) {
  if (!loaded.has(target)) loaded.set(target, runCached(target, env).exports);
  return loaded.get(target);
}

function remember(script, cacheFile, env) {
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
      const dir = cacheDir(env);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      for (const e of unsaved) {
        const tmp = `${e.cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, e.taken ?? e.script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, e.cacheFile);
      }
      prune(dir);
    } catch {
      // read-only or full: the next run compiles again
    }
  });
}

function loadWithCodeCache(env) {
  const { exports, hit } = runCached(file, env);
  loaded.set(file, exports);
  return { cli: exports, how: hit ? 'code-cache' : 'code-cache-miss' };
}

/**
 * A cache per file, Node version and flags: keep the four newest of each file, so upgrades do
 * not pile them up. (`v8-<key>.cache`, the one-file name of earlier versions, counts as cli's.)
 */
function prune(dir) {
  const groups = new Map();
  for (const f of fs.readdirSync(dir)) {
    const m = /^v8-(?:([a-z]+)-)?[0-9a-f]{16}\.cache$/.exec(f);
    if (!m) continue;
    const group = m[1] ?? 'cli';
    const p = path.join(dir, f);
    if (!groups.has(group)) groups.set(group, []);
    groups.get(group).push({ f: p, t: fs.statSync(p).mtimeMs });
  }
  for (const caches of groups.values())
    for (const { f } of caches.sort((x, y) => y.t - x.t).slice(4)) fs.rmSync(f, { force: true });
}

module.exports = { loadCli, file, cacheDir };
