/**
 * A JSON syntax check over bytes as they arrive, chunk after chunk: RFC 8259's grammar and nothing
 * more. No value is built and no string decoded, so a body can pass through to stdout and still
 * be refused when it is not JSON. UTF-8 is not checked: neither is it where the body is parsed
 * (decoded with replacement, then JSON.parse).
 */

// What the next byte may be.
const VALUE = 0; // a value (after `:`, `,` in an array, or at the top)
const VALUE_OR_END = 1; // a value or `]` (after `[`)
const KEY_OR_END = 2; // a key or `}` (after `{`)
const KEY = 3; // a key (after `,` in an object)
const COLON = 4;
const AFTER = 5; // `,` or the closing bracket, after a value
const DONE = 6; // blanks only
const STRING = 7;
const ESCAPE = 8;
const HEX = 9;
const LITERAL = 10;
const MINUS = 11; // after `-`: a digit
const ZERO = 12; // after a leading 0
const INT = 13;
const DOT = 14; // after `.`: a digit
const FRAC = 15;
const EXP = 16; // after e/E: a sign or a digit
const EXP_SIGN = 17; // after the sign: a digit
const EXP_DIGITS = 18;
const FAILED = 19;

const ARRAY = 0x5b;
const OBJECT = 0x7b;
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

const isBlank = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
const isDigit = (c: number) => c >= 0x30 && c <= 0x39;
const isHex = (c: number) => isDigit(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
/** Where a number may stop. */
const NUMBER_END = new Set([ZERO, INT, FRAC, EXP_DIGITS]);

export class JsonScanner {
  #state = VALUE;
  /** The open arrays and objects, innermost last. */
  #stack: number[] = [];
  /** In a string: whether it is an object's key (a `:` follows). */
  #key = false;
  #hexLeft = 0;
  #literal: Buffer = TRUE;
  #literalAt = 0;
  /** Bytes scanned before the current chunk. */
  #offset = 0;
  /** Where the body stopped being JSON (a byte offset), or -1. */
  failedAt = -1;

  /** True while the bytes so far can still begin a JSON text. */
  get ok(): boolean {
    return this.#state !== FAILED;
  }

  /** One whole JSON value, then only blanks. */
  get complete(): boolean {
    return this.#state === DONE || (this.#stack.length === 0 && NUMBER_END.has(this.#state));
  }

  /** Scans the next bytes; false (for good) once they cannot be JSON. */
  feed(b: Buffer): boolean {
    const n = b.length;
    let state = this.#state;
    let i = 0;
    const fail = () => {
      this.failedAt = this.#offset + i;
      state = FAILED;
    };
    while (i < n && state !== FAILED) {
      const c = b[i]!;
      switch (state) {
        case STRING:
          // The hot loop: most of a body is inside strings.
          for (;;) {
            const d = b[i]!;
            if (d === 0x22) {
              state = this.#key ? COLON : this.#after();
              break;
            }
            if (d === 0x5c) {
              state = ESCAPE;
              break;
            }
            if (d < 0x20) {
              fail();
              break;
            }
            if (++i === n) break;
          }
          if (i < n && state !== FAILED) i++;
          continue;
        case ESCAPE:
          if (c === 0x75) {
            state = HEX;
            this.#hexLeft = 4;
          } else if (
            c === 0x22 ||
            c === 0x5c ||
            c === 0x2f ||
            c === 0x62 ||
            c === 0x66 ||
            c === 0x6e ||
            c === 0x72 ||
            c === 0x74
          )
            state = STRING;
          else fail();
          break;
        case HEX:
          if (!isHex(c)) fail();
          else if (--this.#hexLeft === 0) state = STRING;
          break;
        case LITERAL:
          if (c !== this.#literal[this.#literalAt]) fail();
          else if (++this.#literalAt === this.#literal.length) state = this.#after();
          break;
        case MINUS:
          if (c === 0x30) state = ZERO;
          else if (isDigit(c)) state = INT;
          else fail();
          break;
        case ZERO:
        case INT:
        case FRAC:
        case EXP_DIGITS:
          if (isDigit(c)) {
            if (state === ZERO) fail(); // 01 is not a number
            break;
          }
          if (c === 0x2e && (state === ZERO || state === INT)) state = DOT;
          else if ((c === 0x65 || c === 0x45) && state !== EXP_DIGITS) state = EXP;
          else {
            // The number ended: this byte is read again after it.
            state = this.#after();
            continue;
          }
          break;
        case DOT:
          if (isDigit(c)) state = FRAC;
          else fail();
          break;
        case EXP:
          if (c === 0x2b || c === 0x2d) state = EXP_SIGN;
          else if (isDigit(c)) state = EXP_DIGITS;
          else fail();
          break;
        case EXP_SIGN:
          if (isDigit(c)) state = EXP_DIGITS;
          else fail();
          break;
        default:
          if (isBlank(c)) break;
          state = this.#structural(state, c);
          if (state === FAILED) fail();
      }
      i++;
    }
    this.#state = state;
    this.#offset += n;
    return state !== FAILED;
  }

  /** A non-blank byte outside strings, numbers and literals. */
  #structural(state: number, c: number): number {
    const top = this.#stack[this.#stack.length - 1];
    switch (state) {
      case VALUE:
      case VALUE_OR_END:
        if (c === 0x5d && state === VALUE_OR_END) {
          this.#stack.pop();
          return this.#after();
        }
        return this.#value(c);
      case KEY_OR_END:
      case KEY:
        if (c === 0x7d && state === KEY_OR_END) {
          this.#stack.pop();
          return this.#after();
        }
        if (c !== 0x22) return FAILED;
        this.#key = true;
        return STRING;
      case COLON:
        return c === 0x3a ? VALUE : FAILED;
      case AFTER:
        if (c === 0x2c) return top === OBJECT ? KEY : VALUE;
        if ((c === 0x5d && top === ARRAY) || (c === 0x7d && top === OBJECT)) {
          this.#stack.pop();
          return this.#after();
        }
        return FAILED;
      default:
        return FAILED; // DONE: something after the whole value
    }
  }

  #value(c: number): number {
    switch (c) {
      case 0x5b:
        this.#stack.push(ARRAY);
        return VALUE_OR_END;
      case 0x7b:
        this.#stack.push(OBJECT);
        return KEY_OR_END;
      case 0x22:
        this.#key = false;
        return STRING;
      case 0x2d:
        return MINUS;
      case 0x30:
        return ZERO;
      case 0x74:
      case 0x66:
      case 0x6e:
        this.#literal = c === 0x74 ? TRUE : c === 0x66 ? FALSE : NULL;
        this.#literalAt = 1;
        return LITERAL;
      default:
        return isDigit(c) ? INT : FAILED;
    }
  }

  /** The state after a whole value. */
  #after(): number {
    return this.#stack.length === 0 ? DONE : AFTER;
  }
}
