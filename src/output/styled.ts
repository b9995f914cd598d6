import { safeLine } from './escape.js';
import type { Paint } from './format.js';

/**
 * A line the CLI composed (its words and colours): printed as it is. Every other string that
 * reaches a line for people is data from outside, and is escaped. Handlers compose lines with
 * `out.t` and paint with `out.style`; they never call an escaper themselves.
 */
export class Styled {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type Piece = string | number | Styled;

const piece = (v: Piece): string => (v instanceof Styled ? v.text : typeof v === 'number' ? String(v) : safeLine(v));

/** A line template: its literal parts are ours; each string put into it is data, escaped to one line. */
export function compose(strings: TemplateStringsArray, ...values: Piece[]): Styled {
  let s = strings[0]!;
  for (let i = 0; i < values.length; i++) s += piece(values[i]!) + strings[i + 1]!;
  return new Styled(s);
}

/** Paint whose every style escapes what it is given (unless already Styled). */
export type StyledPaint = { [K in keyof Paint]: (s: Piece) => Styled };

export function styledPaint(p: Paint): StyledPaint {
  const wrap = (f: (s: string) => string) => (s: Piece) => new Styled(f(piece(s)));
  return {
    bold: wrap(p.bold),
    dim: wrap(p.dim),
    cyan: wrap(p.cyan),
    green: wrap(p.green),
    yellow: wrap(p.yellow),
    magenta: wrap(p.magenta),
    red: wrap(p.red),
  };
}

/** What a line method was given, as text for the stream: Styled as it is, a plain string escaped. */
export const lineText = (s: string | Styled): string => (s instanceof Styled ? s.text : safeLine(s));
