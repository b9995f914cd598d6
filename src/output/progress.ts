import type { Writable } from 'node:stream';

function duration(s: number): string {
  if (!Number.isFinite(s)) return '--';
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(Math.ceil(s % 60)).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** done/total, rate and ETA as one line; pure so it can be tested. */
export function progressLine(label: string, done: number, total: number, elapsedMs: number, width = 24): string {
  const frac = total > 0 ? Math.min(1, done / total) : 1;
  const filled = Math.round(frac * width);
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0;
  const eta = rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
  return `${label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}  ${rate.toFixed(1)}/s  ETA ${done >= total ? '0s' : duration(eta)}`;
}

/** A one-line progress bar redrawn in place on a terminal, at most every 100 ms. */
export class ProgressBar {
  readonly #stream: Writable;
  readonly #label: string;
  readonly #total: number;
  readonly #started = performance.now();
  #last = 0;
  #done = 0;

  constructor(stream: Writable, label: string, total: number) {
    this.#stream = stream;
    this.#label = label;
    this.#total = total;
  }

  tick(done: number): void {
    this.#done = done;
    const now = performance.now();
    if (now - this.#last < 100 && done < this.#total) return;
    this.#last = now;
    this.#stream.write(`\r${progressLine(this.#label, done, this.#total, now - this.#started)}\u001b[K`);
  }

  end(): void {
    this.#stream.write(`\r${progressLine(this.#label, this.#done, this.#total, performance.now() - this.#started)}\u001b[K\n`);
  }
}
