import { describe, expect, it } from 'vitest';
import { compose, styledPaint } from '../../src/output/styled.js';

const RED = { red: (s: string) => `\u001b[31m${s}\u001b[39m` };
const paint = styledPaint({
  ...RED,
  bold: (s) => s,
  dim: (s) => s,
  cyan: (s) => s,
  green: (s) => s,
  yellow: (s) => s,
  magenta: (s) => s,
});

describe('lines composed with out.t', () => {
  it('escapes each string put into it, keeps its own text and colours', () => {
    const name = 'evil\u001b[2J\nname\u202e';
    const line = compose`Profile ${paint.red(name)}: ${name} (${3} keys)`;
    expect(line.text).toBe(
      'Profile \u001b[31mevil\\x1b[2J\\nname\\u202e\u001b[39m: evil\\x1b[2J\\nname\\u202e (3 keys)',
    );
  });

  it('a Styled piece is not escaped twice', () => {
    const inner = compose`${'a\tb'}`;
    expect(compose`[${inner}]`.text).toBe('[a\\tb]');
  });
});
