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
// Called by the bundle before it changes V8's flags (src/api/proxy-transport.ts).
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

function loadWithCodeCache(env) {
  const vm = require('node:vm');
  const source = fs.readFileSync(file, 'utf8');
  const st = fs.statSync(file);
  // Anything that changes what V8 compiles, or whether it accepts a cache, is in the name.
  const key = fnv1a64(
    [process.version, process.arch, st.size, st.mtimeMs, process.execArgv.join(' '), env.NODE_OPTIONS || ''].join('\0'),
  );
  const dir = cacheDir(env);
  const cacheFile = path.join(dir, `v8-${key}.cache`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // first run with this bundle and Node: compile, and write the cache on exit
  }
  const script = new vm.Script(WRAP[0] + source + WRAP[1], { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    // V8 stamps a cache with its flags: one made after the proxy path set --liftoff-only would be
    // rejected by every later run. That path calls this first, so the cache is taken before.
    let taken;
    globalThis[BEFORE_V8_FLAGS] = () => {
      taken ??= script.createCachedData();
    };
    process.once('exit', () => {
      // After the run, so the functions it compiled are in the cache too. Never an error.
      try {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, taken ?? script.createCachedData(), { mode: 0o600 });
        fs.renameSync(tmp, cacheFile);
        prune(dir, cacheFile);
      } catch {
        // read-only or full: the next run compiles again
      }
    });
  }
  const mod = { exports: {} };
  // The bundle requires Node built-ins and ./vendor/*.cjs, relative to dist/.
  const distDir = path.dirname(file);
  const bundleRequire = (id) => require(id.startsWith('./') ? path.join(distDir, id) : id);
  script.runInThisContext()(mod.exports, bundleRequire, mod, file, distDir);
  return { cli: mod.exports, how: cachedData && !script.cachedDataRejected ? 'code-cache' : 'code-cache-miss' };
}

/** A cache per bundle and Node version: keep the few newest, so upgrades do not pile them up. */
function prune(dir, keep) {
  const caches = fs
    .readdirSync(dir)
    .filter((f) => /^v8-[0-9a-f]{16}\.cache$/.test(f))
    .map((f) => path.join(dir, f))
    .filter((f) => f !== keep)
    .map((f) => ({ f, t: fs.statSync(f).mtimeMs }))
    .sort((x, y) => y.t - x.t);
  for (const { f } of caches.slice(3)) fs.rmSync(f, { force: true });
}

module.exports = { loadCli, file, cacheDir };
