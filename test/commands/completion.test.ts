import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { needs } from '../helpers/needs.js';
import { run, tempDir } from '../helpers/io.js';

const exec = promisify(execFile);
const COMMANDS: Record<string, string[]> = {
  auth: ['login', 'status', 'logout', 'switch', 'key'],
  threads: ['list', 'show', 'export'],
  messages: ['send', 'get'],
  webhook: ['listen', 'trigger', 'replay'],
  sandbox: [],
  api: [],
  completion: [],
};
const FLAGS = [
  '--profile',
  '--base-url',
  '--json',
  '--no-color',
  '--timeout',
  '--debug',
  '--quiet',
  '--no-input',
  '--limit',
  '--hash',
  '--thread',
  '--user',
  '--body',
  '--body-file',
  '--lang',
  '--subject',
  '--agent',
  '--port',
  '--host',
  '--path',
  '--forward-to',
  '--record',
  '--count',
  '--no-verify',
  '--max-body',
  '--to',
  '--api-key',
  '--webhook-url',
  '--data',
  '--method',
  '--field',
  '--input',
  '--header',
  '--include',
  '--out',
  '--concurrency',
  '--resume',
  '--with-key',
  '--skip-check',
];

async function script(shell: string): Promise<string> {
  const r = await run(['completion', shell]);
  expect(r.code).toBe(0);
  return r.stdout;
}

async function has(cmd: string): Promise<boolean> {
  try {
    await exec('sh', ['-c', `command -v ${cmd}`]);
    return true;
  } catch {
    return false;
  }
}

describe('gurusup completion', () => {
  for (const shell of ['bash', 'zsh', 'fish']) {
    it(`${shell}: names every command, subcommand and flag`, async () => {
      const text = await script(shell);
      for (const [cmd, subs] of Object.entries(COMMANDS)) {
        expect(text).toContain(cmd);
        for (const s of subs) expect(text).toMatch(new RegExp(`\\b${s}\\b`));
      }
      for (const f of FLAGS) expect(text, f).toContain(shell === 'fish' ? `-l ${f.slice(2)}` : f);
    });
  }

  /** A stand-in `gurusup` on PATH that answers the profile query, with a hostile name among them. */
  function fakeGurusup(dir: string, canary: string): void {
    const names = ['acme', 'beta', `x$(touch ${canary})`, `y\`touch ${canary}\``, 'z;touch${IFS}' + canary];
    fs.writeFileSync(
      path.join(dir, 'gurusup'),
      `#!/bin/sh\n[ "$1 $2" = "completion --profiles" ] && cat <<'EOF'\n${names.join('\n')}\nEOF\n`,
      { mode: 0o755 },
    );
  }

  it('bash: completes commands, flags, profiles (as data), shells and files', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'gurusup.bash');
    fs.writeFileSync(file, await script('bash'));
    // --norc: with a socket for stdin (as Node gives a child), bash reads ~/.bashrc as if run by
    // sshd: the user's start-up files (1.5 s of pyenv on one machine) are no part of the test.
    await exec('bash', ['--norc', '-n', file]);
    const canary = path.join(dir, 'pwned');
    fakeGurusup(dir, canary);
    fs.mkdirSync(path.join(dir, 'work'));
    fs.writeFileSync(path.join(dir, 'work', 'events.ndjson'), '');
    fs.writeFileSync(path.join(dir, 'work', 'body.txt'), '');
    const complete = async (line: string) => {
      const words = line.split(' ');
      const { stdout } = await exec(
        'bash',
        [
          '--norc',
          '-c',
          `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _gurusup; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        {
          env: { PATH: `${dir}:${process.env.PATH}` },
          cwd: path.join(dir, 'work'),
        },
      );
      return stdout.trim().split('\n').filter(Boolean).sort();
    };
    expect(await complete('gurusup th')).toEqual(['threads']);
    expect(await complete('gurusup threads ')).toEqual(['export', 'list', 'show']);
    expect(await complete('gurusup --profile acme threads l')).toEqual(['list']);
    expect(await complete('gurusup threads list --li')).toEqual(['--limit']);
    expect(await complete('gurusup webhook listen --for')).toEqual(['--forward-to']);
    expect(await complete('gurusup --profile a')).toEqual(['acme']);
    expect(await complete('gurusup auth switch ')).toEqual(
      [
        'acme',
        'beta',
        'x\\$\\(touch\\ ' + canary.replace(/\//g, '/') + '\\)',
        'y\\`touch\\ ' + canary + '\\`',
        'z\\;touch\\$\\{IFS\\}' + canary,
      ].sort(),
    );
    expect(await complete('gurusup auth switch b')).toEqual(['beta']);
    expect(await complete('gurusup completion ')).toEqual(['bash', 'fish', 'zsh']);
    expect(await complete('gurusup completion z')).toEqual(['zsh']);
    expect(await complete('gurusup webhook replay ev')).toEqual(['events.ndjson']);
    expect(await complete('gurusup messages send --body-file bo')).toEqual(['body.txt']);
    expect(await complete('gurusup threads export --out ev')).toEqual(['events.ndjson']);
    expect(await complete('gurusup --profile x')).toHaveLength(1);
    // A flag's value is not taken for a command: `--thread list` does not enter `threads list`.
    expect(await complete('gurusup messages send --thread list --')).toContain('--body-file');
    expect(fs.existsSync(canary), 'a profile name was executed').toBe(false);
  });

  it('zsh: completes profiles (as data), shells, subcommands and files', async () => {
    needs(!(await has('zsh')) && 'zsh (apt-get install zsh)');
    const dir = tempDir();
    const file = path.join(dir, '_gurusup');
    fs.writeFileSync(file, await script('zsh'));
    await exec('zsh', ['-n', file]);
    const canary = path.join(dir, 'pwned');
    fakeGurusup(dir, canary);
    // zsh's completion builtins, stood in for: each prints what it was given.
    const stubs = [
      'compdef() { :; }',
      'compadd() { local a; if [[ $1 == -a ]]; then print -rl -- "${(@P)2}"; else shift; print -rl -- "$@"; fi }',
      '_files() { print -r -- FILES; }',
      '_describe() { print -rl -- "${(@P)4%%:*}"; }',
    ].join('\n');
    const complete = async (line: string) => {
      const words = line.split(' ');
      const prefix = words[words.length - 1]!;
      const program = `${stubs}\nsource ${file}\nwords=(${words.map((w) => `'${w}'`).join(' ')}); CURRENT=${words.length}; PREFIX='${prefix}'\n_gurusup`;
      const { stdout } = await exec('zsh', ['-f', '-c', program], { env: { PATH: `${dir}:${process.env.PATH}` } });
      return stdout.trim().split('\n').filter(Boolean).sort();
    };
    expect(await complete('gurusup threads ')).toEqual(['export', 'list', 'show']);
    expect(await complete('gurusup auth switch ')).toEqual(
      ['acme', 'beta', `x$(touch ${canary})`, `y\`touch ${canary}\``, 'z;touch${IFS}' + canary].sort(),
    );
    expect(await complete('gurusup --profile ')).toContain('acme');
    expect(await complete('gurusup completion ')).toEqual(['bash', 'fish', 'zsh']);
    for (const line of [
      'gurusup webhook replay ',
      'gurusup messages send --body-file ',
      'gurusup threads export --out ',
      'gurusup webhook listen --record ',
    ]) {
      expect(await complete(line), line).toEqual(['FILES']);
    }
    expect(await complete('gurusup messages send --thread ')).toEqual([]);
    expect(fs.existsSync(canary), 'a profile name was executed').toBe(false);
  });

  it('fish: completes profiles (as data), shells and files', async () => {
    needs(!(await has('fish')) && 'fish (apt-get install fish)');
    const dir = tempDir();
    const file = path.join(dir, 'gurusup.fish');
    fs.writeFileSync(file, await script('fish'));
    await exec('fish', ['-n', file]);
    const canary = path.join(dir, 'pwned');
    fakeGurusup(dir, canary);
    fs.mkdirSync(path.join(dir, 'work'));
    fs.writeFileSync(path.join(dir, 'work', 'events.ndjson'), '');
    const complete = async (line: string) => {
      const { stdout } = await exec(
        'fish',
        ['--no-config', '-c', `source ${file}; complete -C ${JSON.stringify(line).replace(/\$/g, '\\$')}`],
        {
          env: { PATH: `${dir}:${process.env.PATH}`, HOME: dir },
          cwd: path.join(dir, 'work'),
        },
      );
      return stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]!)
        .sort();
    };
    expect(await complete('gurusup auth switch ')).toEqual(
      ['acme', 'beta', `x$(touch ${canary})`, `y\`touch ${canary}\``, 'z;touch${IFS}' + canary].sort(),
    );
    expect(await complete('gurusup --profile ')).toContain('beta');
    expect(await complete('gurusup completion ')).toEqual(['bash', 'fish', 'zsh']);
    expect(await complete('gurusup webhook replay ev')).toEqual(['events.ndjson']);
    expect(await complete('gurusup threads export --out ev')).toEqual(['events.ndjson']);
    expect(fs.existsSync(canary), 'a profile name was executed').toBe(false);
  });

  it('--profiles lists the stored profile names', async () => {
    const dir = tempDir();
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ active: 'b', profiles: { b: { api_key: 'k'.repeat(20) }, a: {} } }),
      { mode: 0o600 },
    );
    const r = await run(['completion', '--profiles'], { env: { GURUSUP_CONFIG_DIR: dir } });
    expect(r.stdout).toBe('a\nb\n');
    expect(r.stdout).not.toContain('kkkk');
  });

  it('an unknown shell exits 2', async () => {
    expect((await run(['completion', 'tcsh'])).code).toBe(2);
    expect((await run(['completion'])).code).toBe(2);
  });
});
