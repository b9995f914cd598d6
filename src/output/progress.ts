import type { Writable } from 'node:stream';
import { now } from '../runtime/clock.js';

function duration(s: number): string {
  if (!Number.isFinite(s)) return '--';
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60
    ? `${m}m${String(Math.ceil(s % 60)).padStart(2, '0')}s`
    : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/**
 * done/total, rate and ETA as one line; pure so it can be tested. With `columns`, the line is at
 * most `columns - 1` wide (a full last column would make some terminals wrap): the bar shrinks
 * first, then the rate and the ETA go, then the bar.
 */
export function progressLine(
  label: string,
  done: number,
  total: number,
  elapsedMs: number,
  width = 24,
  columns = 0,
): string {
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
  const count = `${done}/${total}`;
  const extras = [`  ${rate.toFixed(1)}/s`, `  ETA ${done >= total ? '0s' : duration(eta)}`];
  const bar = (w: number) => {
    const filled = Math.round(frac * w);
    return ` [${'#'.repeat(filled)}${'-'.repeat(w - filled)}] `;
  };
  if (columns <= 0) return `${label}${bar(width)}${count}${extras.join('')}`;
  const room = columns - 1;
  for (const keep of [2, 1, 0]) {
    const tail = `${count}${extras.slice(0, keep).join('')}`;
    const w = Math.min(width, room - label.length - tail.length - 4);
    if (w >= 5) return `${label}${bar(w)}${tail}`;
  }
  return `${label} ${count}`.slice(0, Math.max(0, room));
}

/** A one-line progress bar redrawn in place on a terminal, at most every 100 ms, fitting its width. */
export class ProgressBar {
  readonly #stream: Writable;
  readonly #label: string;
  readonly #total: number;
  readonly #columns: () => number;
  readonly #started = now();
  #last = 0;
  #done = 0;

  constructor(stream: Writable, label: string, total: number, columns: () => number = () => 0) {
    this.#stream = stream;
    this.#label = label;
    this.#total = total;
    this.#columns = columns;
  }

  #line(now: number): string {
    return progressLine(this.#label, this.#done, this.#total, now - this.#started, 24, this.#columns());
  }

  tick(done: number): void {
    this.#done = done;
    const t = now();
    if (t - this.#last < 100 && done < this.#total) return;
    this.#last = t;
    this.#stream.write(`\r${this.#line(t)}\u001b[K`);
  }

  /** The final count is drawn, then the bar is cleared: the summary line that follows replaces it. */
  end(): void {
    this.#stream.write(`\r${this.#line(now())}\u001b[K\r\u001b[K`);
  }
}
