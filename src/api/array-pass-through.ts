import type { BodySink } from './transport.js';
import { JsonScanner } from '../output/json-scan.js';
import { atEnd } from '../runtime/lifecycle.js';
import { hasMaxOpt, setV8Flags } from '../runtime/v8-flags.js';

const BLANK = new Set([0x20, 0x0a, 0x0d, 0x09]);

/** The first and last non-blank bytes of the body, across chunks, are [ and ]. */
export function isJsonArray(chunks: readonly Buffer[]): boolean {
  let first: number | undefined;
  for (const c of chunks) {
    for (const b of c)
      if (!BLANK.has(b)) {
        first = b;
        break;
      }
    if (first !== undefined) break;
  }
  let last: number | undefined;
  for (let k = chunks.length - 1; k >= 0 && last === undefined; k--) {
    const c = chunks[k]!;
    for (let i = c.length - 1; i >= 0; i--)
      if (!BLANK.has(c[i]!)) {
        last = c[i];
        break;
      }
  }
  return first === 0x5b && last === 0x5d;
}

/**
 * GET /threads --json in a pipe, streamed: the body goes to stdout as it arrives, checked on the
 * way. Until the first non-blank byte nothing is written; if it is not `[` the body is kept in
 * memory instead (`kept`) for the usual parse and error. Once streaming, each chunk is checked
 * as JSON (a byte scanner, no values built) and written when the next non-blank chunk arrives
 * (one write per chunk), so the chunk holding the last non-blank byte is still held at the end:
 * it goes out only if it completes the array. A chunk that is not JSON is never written, nor
 * anything after it. A body cut off or not JSON never reads as a whole array.
 */
export class ArrayPassThrough implements BodySink {
  /** The body, when it did not start with `[` (or is all blanks so far). */
  readonly kept: Buffer[] = [];
  #streaming = false;
  #keeping = false;
  /** The last chunk with a non-blank byte, and the blank chunks after it. */
  #held: Buffer[] = [];
  #head = '';
  #scan = new JsonScanner();
  #invalid = false;
  #wrote = false;
  #sinceGc = 0;
  #gc: (() => void) | undefined | null = null;
  /** The error stdout failed with, if it did. */
  writeError: unknown;
  readonly #out: (chunk: Buffer) => void | Promise<void>;
  constructor(out: (chunk: Buffer) => void | Promise<void>) {
    this.#out = (chunk) => {
      try {
        return out(chunk)?.catch((err: unknown) => {
          this.writeError ??= err;
          throw err;
        });
      } catch (err) {
        this.writeError ??= err;
        throw err;
      }
    };
  }

  get streaming(): boolean {
    return this.#streaming;
  }

  /** The body stopped being JSON: nothing from there on was written. */
  get invalid(): boolean {
    return this.#invalid;
  }

  /** Some of the body is on stdout. */
  get wrote(): boolean {
    return this.#wrote;
  }

  /** The start of the body, for an error message. */
  get head(): string {
    return this.#head;
  }

  write(chunk: Buffer): void | Promise<void> {
    if (this.#head.length < 80) this.#head += chunk.subarray(0, 80 - this.#head.length).toString('latin1');
    if ((this.#sinceGc += chunk.length) >= SCAVENGE_EVERY) {
      this.#sinceGc = 0;
      if (this.#gc === null) {
        // A big body, then: a small one never touches V8's flags (node:v8 alone costs ~1.5 ms
        // to load on Node 22).
        this.#gc = scavenger();
        if (this.#streaming) lightTiers();
      }
      this.#gc?.();
    }
    if (this.#keeping) return void this.kept.push(chunk);
    if (this.#invalid) return;
    if (!this.#streaming) {
      const i = firstNonBlank(chunk);
      if (i < 0) return void this.kept.push(chunk);
      if (chunk[i] !== 0x5b) {
        this.#keeping = true;
        return void this.kept.push(chunk);
      }
      this.#streaming = true;
      // Leading blanks go out as they came, with the chunk.
      this.#held = this.kept.splice(0);
    }
    if (!this.#scan.feed(chunk)) {
      this.#invalid = true;
      this.#held = [];
      return;
    }
    if (lastNonBlank(chunk) < 0) return void this.#held.push(chunk);
    const ready = this.#held;
    this.#held = [chunk];
    return this.#put(ready);
  }

  #put(bufs: Buffer[]): void | Promise<void> {
    if (bufs.length) this.#wrote = true;
    const pending: Promise<void>[] = [];
    for (const b of bufs) {
      const p = this.#out(b);
      if (p) pending.push(p);
    }
    if (pending.length) return Promise.all(pending).then(() => undefined);
  }

  /** After the whole body: writes the held end and resolves true, or false when the body is not one whole array. */
  async end(): Promise<boolean> {
    if (this.#invalid) return false;
    const [last, ...blanks] = this.#held;
    const j = last ? lastNonBlank(last) : -1;
    // Complete, the array's last non-blank byte is its `]`.
    if (!last || j < 0 || !this.#scan.complete) {
      // Everything but the wrong ending: the output stops where the body went wrong.
      if (last && j > 0) await this.#put([last.subarray(0, j)]);
      return false;
    }
    const end = blanks.length ? blanks[blanks.length - 1]! : last;
    await this.#put(end[end.length - 1] === 0x0a ? this.#held : [...this.#held, Buffer.from('\n')]);
    return true;
  }
}

function firstNonBlank(b: Buffer): number {
  for (let i = 0; i < b.length; i++) if (!BLANK.has(b[i]!)) return i;
  return -1;
}

function lastNonBlank(b: Buffer): number {
  for (let i = b.length - 1; i >= 0; i--) if (!BLANK.has(b[i]!)) return i;
  return -1;
}

/**
 * A young-generation collection, every so many bytes passed through: each socket read is a fresh
 * 64 KB buffer, and V8 collects them only once ~30 MB of them pile up (peak RSS 85 MB for a
 * 23 MB body; 53 MB with this, BENCHMARKS.md). A scavenge of this small heap costs well under
 * 1 ms. Undefined when the runtime refuses (then memory is left to V8).
 */
function scavenger(): (() => void) | undefined {
  try {
    const v8 = process.getBuiltinModule('node:v8') as typeof import('node:v8');
    const vm = process.getBuiltinModule('node:vm') as typeof import('node:vm');
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as (o?: { type: 'minor' | 'major' }) => void;
    // Only this one function: contexts made later get no `gc`, and V8's flags are as they were
    // (a code cache written at exit is checked against them).
    v8.setFlagsFromString('--no-expose-gc');
    if (typeof gc !== 'function') return undefined;
    return () => gc({ type: 'minor' });
  } catch {
    return undefined;
  }
}

const SCAVENGE_EVERY = 512 * 1024;

/**
 * While bytes only pass through, no JavaScript is hot enough to gain from V8's optimizing
 * compilers, and the first optimization pages ~3.5 MB of Node's own code (the compiler) into
 * memory: peak RSS 52 -> 48.5 MB for 23 MB (BENCHMARKS.md §2). Sparkplug, the baseline tier,
 * stays. Set back at the end of the command (tests run commands in one process).
 */
function lightTiers(): void {
  if (!hasMaxOpt()) return;
  try {
    setV8Flags('--max-opt=1');
    atEnd(async () => setV8Flags('--max-opt=999'));
  } catch {
    // V8 refused the flag: memory is left as it was
  }
}
