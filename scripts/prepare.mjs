// `prepare` (run by `npm ci`, `npm install` in a checkout, `npm pack`, `npm link`, and git-URL
// installs): builds dist/. `npm link` and `npm install -g .` in a fresh clone run it in global mode,
// where npm installs no devDependencies first, so the build would die on a missing esbuild: install
// them here when they are missing (npm/cli#8440), outside that global mode.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, env, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

try {
  require.resolve('esbuild');
} catch {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^npm_config_(global|prefix|global_prefix|location)$/i.test(k)) delete env[k];
  const npm = process.env.npm_execpath;
  const args = ['ci', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund'];
  console.error('gurusup: installing the build tools (devDependencies) to build dist/');
  if (npm) run(process.execPath, [npm, ...args], env);
  else run('npm', args, env);
}
run(process.execPath, [path.join(root, 'build.mjs')]);
