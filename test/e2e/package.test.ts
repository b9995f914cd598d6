import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { needs } from '../helpers/needs.js';
import { tempDir } from '../helpers/io.js';

// Packaging as a user meets it: a tarball from `npm pack`, installed into an empty prefix from
// that file alone (offline); a fresh clone where `npm ci` must leave a working `npx gurusup`; and a
// git URL. The clone tests need git and npm's cache of our devDependencies (as `npm ci` left it).
const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies?: Record<string, string>;
};

/** npm run by vitest under `npm test` inherits npm_config_* (global, prefix…): start clean. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^npm_/i.test(k)) env[k] = v;
  return {
    ...env,
    NO_UPDATE_NOTIFIER: '1',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    ...extra,
  };
}

const npm = (args: string[], cwd: string, env = cleanEnv()) =>
  exec('npm', args, { cwd, env, timeout: 180_000, maxBuffer: 16 << 20 });

/** git is installed and the tests run in a checkout (not a copy of the files). */
async function inGitCheckout(): Promise<boolean> {
  try {
    await exec('git', ['-C', ROOT, 'rev-parse', '--git-dir']);
    return true;
  } catch {
    return false;
  }
}

/** npm could not reach the registry for something its cache lacks: not this package's fault. */
const offline = (err: unknown) =>
  /ENOTFOUND|EAI_AGAIN|ENETUNREACH|ECONNREFUSED|ETIMEDOUT|ENOTCACHED/.test(
    String((err as { stderr?: string }).stderr ?? err),
  );

describe('packaging', () => {
  it('the tarball holds dist/, installs into an empty prefix offline with no dependencies, and runs from anywhere', async () => {
    // dist/ was built by the global setup; --ignore-scripts keeps `prepare` from rebuilding it under
    // the other test files' feet (a real `npm pack` builds it itself: see the clone test).
    const out = tempDir();
    const { stdout } = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', out], ROOT);
    const [info] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = info!.files.map((f) => f.path);
    expect(files).toContain('dist/cli.cjs');
    expect(files).toContain('dist/help.json');
    expect(files).toContain('dist/help-80.json');
    expect(files).toContain('bin/gurusup.js');
    // Everything is bundled: an install needs nothing from the registry.
    expect(Object.keys(pkg.dependencies ?? {})).toEqual([]);

    const prefix = tempDir();
    await npm(['install', '-g', '--prefix', prefix, '--offline', path.join(out, info!.filename)], out);
    expect(fs.existsSync(path.join(prefix, 'lib/node_modules/gurusup/node_modules'))).toBe(false);
    const elsewhere = tempDir();
    const bin = path.join(prefix, 'bin/gurusup');
    expect((await exec(bin, ['--version'], { cwd: elsewhere, env: cleanEnv() })).stdout).toBe(`${pkg.version}\n`);
    const help = await exec(bin, ['threads', 'list', '--help'], { cwd: elsewhere, env: cleanEnv() });
    expect(help.stdout).toContain('Usage: gurusup threads list');
    // A command that loads the bundle, not only the pre-rendered help.
    const r = await exec(bin, ['completion', 'bash'], {
      cwd: elsewhere,
      env: cleanEnv({ GURUSUP_CONFIG_DIR: tempDir() }),
    });
    expect(r.stdout).toContain('_gurusup()');
  }, 120_000);

  it('a fresh clone: `npm ci` builds, so `npx gurusup` works; so do `npm link` and a git-URL install', async () => {
    needs(!(await inGitCheckout()) && 'git (apt-get install git), and a git checkout to clone');
    const dir = path.join(tempDir(), 'gurusup');
    const bare = path.join(tempDir(), 'gurusup');
    await Promise.all([exec('git', ['clone', '-q', ROOT, dir]), exec('git', ['clone', '-q', ROOT, bare])]);
    const cached = cleanEnv({ npm_config_prefer_offline: 'true' });

    // The three ways side by side (each its own clone, prefix or project): their installs are most
    // of the suite's longest test, and one does not wait on another.
    const fromClone = async () => {
      try {
        await npm(['ci'], dir, cached);
      } catch (err) {
        needs(
          offline(err) && "the devDependencies in npm's cache (run `npm ci` once online): the registry is unreachable",
        );
        throw err;
      }
      const npx = await exec('npx', ['gurusup', '--help'], { cwd: dir, env: cached });
      expect(npx.stdout).toContain('Usage: gurusup');

      // npm pack builds dist/ itself (prepare runs before packing; no prepack needed).
      fs.rmSync(path.join(dir, 'dist'), { recursive: true });
      const packed = JSON.parse((await npm(['pack', '--dry-run', '--json'], dir, cached)).stdout) as Array<{
        files: Array<{ path: string }>;
      }>;
      expect(packed[0]!.files.map((f) => f.path)).toContain('dist/cli.cjs');
    };

    // npm link (a global install of the folder), into a prefix of our own, from another clone
    // where nothing was installed or built first.
    const linked = async () => {
      const prefix = tempDir();
      await npm(['link'], bare, cleanEnv({ npm_config_prefix: prefix, npm_config_prefer_offline: 'true' }));
      expect(
        (await exec(path.join(prefix, 'bin/gurusup'), ['--version'], { cwd: tempDir(), env: cleanEnv() })).stdout,
      ).toBe(`${pkg.version}\n`);
    };

    // A git URL as a project dependency: npm clones, installs the devDependencies, runs prepare, packs.
    // (It clones the repository's history, not the working tree the first branch builds in.)
    const viaGitUrl = async () => {
      const project = tempDir();
      fs.writeFileSync(path.join(project, 'package.json'), '{"name":"uses-gurusup","version":"1.0.0","private":true}');
      await npm(['install', `git+file://${dir}`], project, cached);
      const viaGit = await exec(path.join(project, 'node_modules/.bin/gurusup'), ['--version'], {
        cwd: tempDir(),
        env: cleanEnv(),
      });
      expect(viaGit.stdout).toBe(`${pkg.version}\n`);
    };

    await Promise.all([fromClone(), linked(), viaGitUrl()]);
  }, 300_000);
});
