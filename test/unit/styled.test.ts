import { describe, expect, it } from 'vitest';
import { compose, styledPaint } from '../../src/output/styled.js';
import { plainPaint } from '../../src/output/format.js';

const paint = styledPaint({ ...plainPaint, red: (s: string) => `\u001b[31m${s}\u001b[39m` });

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
