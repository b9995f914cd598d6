import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
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
const FLAGS = ['--profile', '--base-url', '--json', '--no-color', '--timeout', '--debug', '--quiet', '--no-input', '--limit', '--hash', '--thread', '--user', '--body', '--body-file', '--lang', '--subject', '--agent', '--port', '--host', '--path', '--forward-to', '--record', '--count', '--no-verify', '--max-body', '--to', '--api-key', '--webhook-url', '--data', '--method', '--field', '--input', '--header', '--include', '--out', '--concurrency', '--resume', '--with-key', '--skip-check'];

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

  it('bash: the script parses, and completes commands, subcommands, flags and profile names', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'gurusup.bash');
    fs.writeFileSync(file, await script('bash'));
    await exec('bash', ['-n', file]);
    // A stand-in `gurusup` on PATH answers the profile query the way the real one does.
    fs.writeFileSync(path.join(dir, 'gurusup'), '#!/bin/sh\n[ "$1 $2" = "completion --profiles" ] && printf "acme\\nbeta\\n"\n', { mode: 0o755 });
    const complete = async (line: string) => {
      const words = line.split(' ');
      const { stdout } = await exec('bash', ['-c', `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _gurusup; printf '%s\\n' "\${COMPREPLY[@]}"`], {
        env: { PATH: `${dir}:${process.env.PATH}` },
      });
      return stdout.trim().split('\n').filter(Boolean).sort();
    };
    expect(await complete('gurusup th')).toEqual(['threads']);
    expect(await complete('gurusup threads ')).toEqual(['export', 'list', 'show']);
    expect(await complete('gurusup --profile acme threads l')).toEqual(['list']);
    expect(await complete('gurusup threads list --li')).toEqual(['--limit']);
    expect(await complete('gurusup webhook listen --for')).toEqual(['--forward-to']);
    expect(await complete('gurusup --profile ')).toEqual(['acme', 'beta']);
  });

  it('zsh and fish scripts parse when those shells are installed', async () => {
    for (const shell of ['zsh', 'fish']) {
      if (!(await has(shell))) continue;
      const file = path.join(tempDir(), `c.${shell}`);
      fs.writeFileSync(file, await script(shell));
      await exec(shell, ['-n', file]);
    }
  });

  it('--profiles lists the stored profile names', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ active: 'b', profiles: { b: { api_key: 'k'.repeat(20) }, a: {} } }), { mode: 0o600 });
    const r = await run(['completion', '--profiles'], { env: { GURUSUP_CONFIG_DIR: dir } });
    expect(r.stdout).toBe('a\nb\n');
    expect(r.stdout).not.toContain('kkkk');
  });

  it('an unknown shell exits 2', async () => {
    expect((await run(['completion', 'tcsh'])).code).toBe(2);
    expect((await run(['completion'])).code).toBe(2);
  });
});
