import { describe, expect, it } from 'vitest';
import { run } from '../helpers/io.js';
import { cli } from '../helpers/cli.js';

// Commander's parser wording, in our voice, with the command's usage line as the hint (issue 24).
const cases: Array<[string[], string, string]> = [
  [
    ['threads', 'list', '--limit', '-1'],
    "error: --limit must be a whole number of 1 or more, not '-1'",
    'hint: usage: gurusup threads list [options] (more: --help)',
  ],
  [
    ['completion', 'pwsh'],
    "error: <shell> must be one of bash, zsh, fish, not 'pwsh'",
    'hint: usage: gurusup completion [options] [shell] (more: --help)',
  ],
  [
    ['threads', 'list', '--sort', 'size'],
    "error: --sort must be one of updated, created, fid, not 'size'",
    'hint: usage: gurusup threads list [options] (more: --help)',
  ],
  [
    ['threads', 'show'],
    'error: missing <thread>',
    'hint: usage: gurusup threads show [options] <thread> (more: --help)',
  ],
  [
    ['messages', 'send', '--thread'],
    'error: --thread needs a value',
    'hint: usage: gurusup messages send [options] (more: --help)',
  ],
  [
    ['threads', 'show', 'a', 'b'],
    'error: too many arguments: show takes 1, got 2',
    'hint: usage: gurusup threads show [options] <thread> (more: --help)',
  ],
  [
    ['threads', 'list', '--bogus'],
    "error: unknown option '--bogus'",
    'hint: usage: gurusup threads list [options] (more: --help)',
  ],
];

describe('parser errors', () => {
  for (const [args, error, hint] of cases)
    it(args.join(' '), async () => {
      const r = await run(args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`${error}\n${hint}\n`);
    });

  it('a suggestion stays the hint', async () => {
    expect((await run(['threads', 'lst'])).stderr).toBe("error: unknown command 'lst'\nhint: did you mean list?\n");
  });

  it('the built CLI says the same, and --json gets the object in the same words', async () => {
    const r = await cli(['threads', 'list', '--limit', '0', '--json']);
    expect(r.code).toBe(2);
    const lines = r.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe("error: --limit must be a whole number of 1 or more, not '0'");
    expect(JSON.parse(lines.at(-1)!)).toEqual({
      error: { message: "--limit must be a whole number of 1 or more, not '0'", status: null, exit_code: 2 },
    });
  });
});
