// Bundles src/ and its dependencies into dist/, so an installed CLI needs no node_modules.
//
// dist/cli.cjs holds our code, commander and chalk as one CommonJS file: on Node 20 that starts
// faster than ES modules split into chunks (BENCHMARKS.md). The heavy libraries only some commands
// need (conf, ora, cli-table3, undici) are bundled separately under dist/vendor/ and required
// when first used.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
rmSync(new URL('./dist', import.meta.url), { recursive: true, force: true });

const VENDOR = ['conf', 'ora', 'cli-table3', 'undici'];
const common = { bundle: true, format: 'cjs', platform: 'node', target: 'node20', minify: true, legalComments: 'none', logLevel: 'warning' };

// Our imports of src/vendor/NAME.js become requires of dist/vendor/NAME.cjs.
const vendorPlugin = {
  name: 'vendor',
  setup(b) {
    b.onResolve({ filter: /\/vendor\/[\w-]+\.js$/ }, (args) => ({ path: `./vendor/${args.path.split('/').pop().replace(/\.js$/, '.cjs')}`, external: true }));
  },
};

await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.cjs',
  sourcemap: true,
  define: { __GURUSUP_VERSION__: JSON.stringify(pkg.version) },
  plugins: [vendorPlugin],
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

// --version and --help text for the bin/ shim, so those never load the bundle.
const { helpTexts } = createRequire(import.meta.url)('./dist/cli.cjs');
writeFileSync(new URL('./dist/help.json', import.meta.url), JSON.stringify(helpTexts()));
