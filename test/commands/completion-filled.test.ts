import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { run, tempDir } from '../helpers/io.js';

const exec = promisify(execFile);

// bash offered `auth switch default` again after the profile was typed (issue 24): a command's
// positional arguments, once filled, get no candidates (and no file names either).
describe('bash completion after the arguments are filled', () => {
  it('offers nothing more for auth switch <profile> or completion <shell>; still the flags', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'gurusup.bash');
    fs.writeFileSync(file, (await run(['completion', 'bash'])).stdout);
    // A stand-in for `gurusup completion --profiles`.
    fs.writeFileSync(path.join(dir, 'gurusup'), '#!/bin/sh\nprintf "default\\nacme\\n"\n', { mode: 0o755 });
    fs.writeFileSync(path.join(dir, 'somefile.txt'), '');
    const complete = async (line: string) => {
      const words = line.split(' ');
      const { stdout } = await exec(
        'bash',
        [
          '-c',
          `source ${file}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; _gurusup; printf '%s\\n' "\${COMPREPLY[@]}"`,
        ],
        { env: { PATH: `${dir}:${process.env.PATH}` }, cwd: dir },
      );
      return stdout.trim().split('\n').filter(Boolean).sort();
    };
    expect(await complete('gurusup auth switch ')).toEqual(['acme', 'default']);
    expect(await complete('gurusup auth switch default ')).toEqual([]);
    expect(await complete('gurusup --profile acme auth switch default ')).toEqual([]);
    expect(await complete('gurusup completion bash ')).toEqual([]);
    expect(await complete('gurusup auth switch default --q')).toEqual(['--quiet']);
  });
});
