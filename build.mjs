// Bundles src/ and its dependencies into dist/, so an installed CLI needs no node_modules.
//
// dist/cli.cjs holds our code and commander as one CommonJS file: on Node 20 that starts
// faster than ES modules split into chunks (BENCHMARKS.md). The heavy libraries only some commands
// need (conf, ora, undici, chalk) are bundled separately under dist/vendor/ and required
// when first used.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true });

const VENDOR = ['conf', 'ora', 'undici', 'chalk', 'yaml', 'mcp'];
const common = {
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
};

// Our imports of src/vendor/NAME.js become require('./vendor/NAME.cjs'), even dynamic ones (and
// src/webhook/inspect/index.js, the inspector, require('./inspect.cjs')), and a
// dynamic import() of a Node built-in becomes a require: the bundle holds no import(), which a
// vm.Script (bin/load.js, Node 20) could not run. Source code may use import() freely.
const vendorPlugin = {
  name: 'vendor',
  setup(b) {
    b.onResolve({ filter: /\/vendor\/[\w-]+\.js$/ }, (args) => ({
      path: args.path.split('/').pop().replace(/\.js$/, ''),
      namespace: 'vendor',
    }));
    b.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => ({
      contents: `module.exports = require('./vendor/${args.path}.cjs');`,
      loader: 'js',
    }));
    b.onResolve({ filter: /\/webhook\/inspect\/index\.js$/ }, () => ({ path: 'inspect', namespace: 'apart' }));
    b.onLoad({ filter: /.*/, namespace: 'apart' }, (args) => ({
      contents: `module.exports = require('./${args.path}.cjs');`,
      loader: 'js',
    }));
    b.onResolve({ filter: /^\.\/vendor\/[\w-]+\.cjs$/ }, (args) => ({ path: args.path, external: true }));
    b.onResolve({ filter: /^\.\/inspect\.cjs$/ }, (args) => ({ path: args.path, external: true }));
    b.onResolve({ filter: /^node:/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: args.path, namespace: 'builtin' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({
      contents: `module.exports = require(${JSON.stringify(args.path)});`,
      loader: 'js',
    }));
  },
};

// commander requires node:child_process at load (~0.5 ms with the dgram and net it pulls in) for
// executable subcommands, which we never use: it is required on first use instead.
const LAZY_CHILD_PROCESS = "const childProcess = require('node:child_process');";
const lazyChildProcessPlugin = {
  name: 'lazy-child-process',
  setup(b) {
    b.onLoad({ filter: /[\\/]commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(LAZY_CHILD_PROCESS))
        throw new Error(`${args.path} no longer has "${LAZY_CHILD_PROCESS}": update build.mjs`);
      return {
        contents: source.replace(
          LAZY_CHILD_PROCESS,
          "const childProcess = { spawn: (...a) => require('node:child_process').spawn(...a) };",
        ),
        loader: 'js',
      };
    });
  },
};

await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.cjs',
  sourcemap: true,
  define: { __GURUSUP_VERSION__: JSON.stringify(pkg.version) },
  plugins: [vendorPlugin, lazyChildProcessPlugin],
});

await Promise.all(
  VENDOR.map((name) =>
    build({
      ...common,
      entryPoints: [`src/vendor/${name}.ts`],
      outfile: `dist/vendor/${name}.cjs`,
    }),
  ),
);

// The inspector's page (`webhook listen --inspect`): plain TypeScript and CSS for the browser, no
// framework, no CDN. Written to dist/inspect/ (read by tests that run the source), and inlined
// into dist/inspect.cjs, the inspector's server, which is loaded only with --inspect.
const PAGE = 'src/webhook/inspect/page';
const built = async (entry, o = {}) =>
  (await build({ entryPoints: [entry], bundle: true, minify: true, write: false, logLevel: 'warning', ...o }))
    .outputFiles[0].text;
const page = {
  html: readFileSync(`${PAGE}/index.html`, 'utf8'),
  js: await built(`${PAGE}/main.ts`, {
    format: 'iife',
    platform: 'browser',
    target: ['chrome111', 'firefox115', 'safari16'],
  }),
  css: await built(`${PAGE}/page.css`, { loader: { '.css': 'css' } }),
};
mkdirSync(new URL('./dist/inspect', import.meta.url), { recursive: true });
writeFileSync(new URL('./dist/inspect/index.html', import.meta.url), page.html);
writeFileSync(new URL('./dist/inspect/page.js', import.meta.url), page.js);
writeFileSync(new URL('./dist/inspect/page.css', import.meta.url), page.css);
const inlinePage = {
  name: 'inline-page',
  setup(b) {
    b.onLoad({ filter: /[\\/]webhook[\\/]inspect[\\/]assets\.ts$/ }, () => ({
      contents: `export async function pageAssets() { return ${JSON.stringify(page)}; }`,
      loader: 'js',
    }));
  },
};
await build({
  ...common,
  entryPoints: ['src/webhook/inspect/index.ts'],
  outfile: 'dist/inspect.cjs',
  plugins: [vendorPlugin, inlinePage],
});

// The shim fits pre-rendered help to the terminal with the same code the bundle uses.
await build({ ...common, entryPoints: ['src/output/help-fit.ts'], outfile: 'dist/help-fit.cjs' });

// --version and --help text for the bin/ shim, so those never load the bundle.
const require = createRequire(import.meta.url);
const { helpTexts } = require('./dist/cli.cjs');
const { fitHelp } = require('./dist/help-fit.cjs');
const texts = helpTexts();
writeFileSync(new URL('./dist/help.json', import.meta.url), JSON.stringify(texts));
// The same fitted to 80 columns, the width of every pipe and file: printed as it is, with no
// fitting code to load (~2 ms of `gurusup --help | less`).
const fit80 = (t) => (t.split('\n').every((line) => line.length <= 80) ? t : fitHelp(t, 80));
writeFileSync(
  new URL('./dist/help-80.json', import.meta.url),
  JSON.stringify(Object.fromEntries(Object.entries(texts).map(([k, t]) => [k, fit80(t)]))),
);

// The start-up code cache is keyed by content (bin/load.js): each .cjs file's SHA-256, so a rebuild
// to the same size and time never runs the old code, and start-up hashes nothing.
const dist = new URL('./dist/', import.meta.url);
const hashes = {};
for (const rel of readdirSync(dist, { recursive: true }).sort())
  if (String(rel).endsWith('.cjs'))
    hashes[String(rel).split('\\').join('/')] = createHash('sha256')
      .update(readFileSync(new URL(String(rel), dist)))
      .digest('hex');
writeFileSync(new URL('./hashes.json', dist), JSON.stringify(hashes));
