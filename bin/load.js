'use strict';
// Loads the bundle (dist/cli.cjs) as fast as the running Node allows:
// - Node >= 22.1: Node's own compile cache (module.enableCompileCache), then a plain require.
// - Node 20: a vm.Script with a V8 code cache kept in the user's cache directory, keyed by the
//   bundle, the Node version and the V8 flags. A missing or rejected cache (a Node upgrade, a
//   flag in NODE_OPTIONS) is simply rebuilt when the process exits, so it heals itself.
// - --debug: a plain require with source maps on, so stack traces name our TypeScript sources.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');

const file = path.join(__dirname, '..', 'dist', 'cli.cjs');
// Called by the bundle before it changes V8's flags (src/api/proxy-transport.ts).
const BEFORE_V8_FLAGS = Symbol.for('gurusup.beforeV8Flags');

function cacheDir(env) {
  if (env.GURUSUP_CACHE_DIR) return env.GURUSUP_CACHE_DIR;
  const base =
    env.XDG_CACHE_HOME ||
    (process.platform === 'darwin' ? path.join(os.homedir(), 'Library', 'Caches') : path.join(os.homedir(), '.cache'));
  return path.join(base, 'gurusup');
}

function loadCli(o = {}) {
  const env = o.env || process.env;
  if (o.debug) {
    process.setSourceMapsEnabled(true);
    return { cli: require(file), how: 'require+sourcemaps' };
  }
  if (typeof Module.enableCompileCache === 'function' && env.GURUSUP_NO_CODE_CACHE !== '1') {
    try {
      Module.enableCompileCache(cacheDir(env));
      // Node writes its cache at exit, stamped with the flags of that moment: write it before.
      if (typeof Module.flushCompileCache === 'function')
        globalThis[BEFORE_V8_FLAGS] = () => Module.flushCompileCache();
    } catch {
      // no cache directory: compile as usual
    }
    return { cli: require(file), how: 'compile-cache' };
  }
  if (env.GURUSUP_NO_CODE_CACHE === '1') return { cli: require(file), how: 'require' };
  return loadWithCodeCache(env);
}

function loadWithCodeCache(env) {
  const vm = require('node:vm');
  const source = fs.readFileSync(file, 'utf8');
  const st = fs.statSync(file);
  // Anything that changes what V8 compiles, or whether it accepts a cache, is in the name.
  const key = require('node:crypto')
    .createHash('sha1')
    .update(
      [process.version, process.arch, st.size, st.mtimeMs, process.execArgv.join(' '), env.NODE_OPTIONS || ''].join(
        '\0',
      ),
    )
    .digest('hex')
    .slice(0, 16);
  const dir = cacheDir(env);
  const cacheFile = path.join(dir, `v8-${key}.cache`);
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // first run with this bundle and Node: compile, and write the cache on exit
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
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
  script.runInThisContext()(mod.exports, Module.createRequire(file), mod, file, path.dirname(file));
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
