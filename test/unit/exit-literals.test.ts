import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Exit codes are named (src/exit-codes.ts): a literal is a code nobody can find by name. This
// reads src/ for the shapes a literal exit code takes.
const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');
const files = (fs.readdirSync(SRC, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts') && f !== 'exit-codes.ts')
  .map((f) => ({ f, text: fs.readFileSync(path.join(SRC, f), 'utf8') }));

const SHAPES: Array<[string, RegExp, (f: string) => boolean]> = [
  // new CliError(message, 1, …), the code on the same line or its own
  [
    'an error class given a number',
    /new (?:CliError|[A-Z]\w*Error)\((?:[^()]|\([^()]*\))*?,\s*(?:[0-9]|130)\s*[,)]/g,
    (f) => !f.startsWith('sandbox/server.ts') && !f.startsWith('webhook/record.ts'),
  ],
  // a handler or main() returning a number
  ['a returned exit code', /\breturn (?:[0-9]|130);/g, (f) => f.startsWith('commands/') || f === 'cli.ts'],
  // the code alone on its line, as prettier leaves a long constructor call
  [
    'an exit code on a line of its own',
    /new (?:CliError|[A-Z]\w*Error)\([^;]*?\n\s*(?:[0-9]|130),?\n/g,
    (f) => !f.startsWith('sandbox/server.ts') && !f.startsWith('webhook/record.ts'),
  ],
  ['an exit code assigned', /\bexit(?:Code)?\s*[=(]\s*(?:[0-9]|130)\b/g, () => true],
];

describe('exit codes are named', () => {
  for (const [what, re, applies] of SHAPES)
    it(`no ${what} in src/`, () => {
      const found = files
        .filter(({ f }) => applies(f))
        .flatMap(({ f, text }) => [...text.matchAll(re)].map((m) => `${f}: ${m[0].replace(/\s+/g, ' ').slice(-60)}`));
      expect(found).toEqual([]);
    });
});
