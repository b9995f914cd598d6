import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The process edge is decided in src/terminal/ (TTY, colour, width, prompts) and src/output/
// (escaping, redaction, wrapping): a handler asks them and never decides on its own. This reads
// src/commands/ for the shapes such a decision takes.
const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src/commands');
const files = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ f, text: fs.readFileSync(path.join(DIR, f), 'utf8') }));

const SHAPES: Array<[string, RegExp]> = [
  ['an escaper', /\b(?:safeText|safeLine|safeJson|escapeText|oneLine|escapeHtml)\(/g],
  ['a TTY test', /\b(?:isTTY|stdoutTTY|stderrTTY|stdinTTY)\b(?!\s*[:?]?\s*\()/g],
  ['a colour rule', /\b(?:colorLevel|FORCE_COLOR|NO_COLOR|chalk)\b/g],
  ['a width rule', /\b(?:columns\s*\?\?|process\.stdout\.columns|wrapText|fitLine|fitText|truncateToWidth)\b/g],
  ['a redaction', /\.redact\(|\bredactUserinfo\(/g],
  ['a stream written directly', /\b(?:io|process)\.(?:stdout|stderr)\.write\(/g],
];

describe('no handler decides the process edge', () => {
  it.each(SHAPES)('no %s in src/commands/', (_what, shape) => {
    const found = files.flatMap(({ f, text }) =>
      [...text.matchAll(shape)].map((m) => `${f}:${text.slice(0, m.index).split('\n').length}: ${m[0]}`),
    );
    expect(found).toEqual([]);
  });

  it('the shapes are found where they are (the check can fail)', () => {
    const sample = 'out.line(out.stdoutTTY ? safeLine(x) : x); io.stderr.write(s); out.redact(u); wrapText(a, 3)';
    for (const [what, shape] of SHAPES.filter(([w]) => !/colour/.test(w)))
      expect(sample.match(shape), what).not.toBeNull();
  });
});
