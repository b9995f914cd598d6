import { UsageError } from '../errors.js';

/** `threads list` filters and sort: they run in the CLI, after the one GET /threads. */

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };
const DURATION = /^(\d+)([smhdw])$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/**
 * `--since`/`--until` values: an ISO date or time (`2026-11-01`, `2026-11-01T10:00Z`; a date alone
 * is midnight UTC, a time without a zone is local, as JavaScript reads them) or a duration back
 * from `now` (`90m`, `36h`, `7d`, `2w`; also `30s`). Returns epoch milliseconds; anything else is
 * a usage error (exit 2) naming the flag.
 */
export function parseWhen(value: string, flag: string, now = Date.now()): number {
  const v = value.trim();
  const d = DURATION.exec(v);
  if (d) return now - Number(d[1]) * UNIT_MS[d[2]!]!;
  const m = ISO.exec(v);
  if (m) {
    const [, y, mo, day, h, mi, s] = m;
    const t = Date.parse(v.replace(' ', 'T'));
    // Date.parse rolls 2026-02-30 over to March: refuse days and times that do not exist.
    const date = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(day)));
    const real =
      date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(mo) - 1 && date.getUTCDate() === Number(day);
    const clock = h === undefined || (Number(h) < 24 && Number(mi) < 60 && (s === undefined || Number(s) < 60));
    if (real && clock && !Number.isNaN(t)) return t;
  }
  throw new UsageError(
    `${flag}: cannot read ${JSON.stringify(value)} as a date, time or duration`,
    `use an ISO date or time (2026-11-01, 2026-11-01T10:00Z) or a duration back from now (90m, 36h, 7d, 2w)`,
  );
}

export const SORT_KEYS = ['updated', 'created', 'fid'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export function parseSortKey(value: string): SortKey {
  if ((SORT_KEYS as readonly string[]).includes(value)) return value as SortKey;
  throw new UsageError(`--sort: unknown key ${JSON.stringify(value)}`, `sort by one of: ${SORT_KEYS.join(', ')}`);
}

export interface ThreadQuery {
  user?: string;
  since?: number;
  until?: number;
  grep?: string;
  sort?: SortKey;
  reverse?: boolean;
  limit?: number;
}

type Obj = Record<string, unknown>;

function parsed(v: unknown): number {
  return typeof v === 'string' && v !== '' ? Date.parse(v) : NaN;
}

/** `updated_at`, else `created_at` (else NaN): what the time filters and `--sort updated` read. */
function updatedOf(o: Obj): number {
  const u = o.updated_at;
  return typeof u === 'string' && u !== '' ? Date.parse(u) : parsed(o.created_at);
}

/**
 * Sorts indices by time, newest first, ties (and threads without a time: -Infinity) in index
 * order. When the spread of times allows it, each (time, index) pair is packed into one exact
 * double and the array sorted natively, without a comparator: 100,000 threads in a few ms.
 */
export function newestFirst(kept: number[], times: Float64Array): number[] {
  let max = -Infinity;
  let min = Infinity;
  for (const i of kept) {
    const t = times[i]!;
    if (t === -Infinity) continue;
    if (t > max) max = t;
    if (t < min) min = t;
  }
  // Indices are into the whole list: room for the largest one.
  let top = 0;
  for (const i of kept) if (i > top) top = i;
  const n = 2 ** Math.ceil(Math.log2(top + 2));
  const span = max === -Infinity ? 1 : max - min + 2;
  if (
    !Number.isInteger(span) ||
    span * n >= 2 ** 53 ||
    kept.some((i) => !Number.isInteger(times[i]!) && times[i] !== -Infinity)
  ) {
    const idx = Uint32Array.from(kept);
    idx.sort((a, b) => times[b]! - times[a]! || a - b);
    return Array.from(idx);
  }
  const packed = new Float64Array(kept.length);
  for (let k = 0; k < kept.length; k++) {
    const i = kept[k]!;
    const t = times[i]!;
    packed[k] = (t === -Infinity ? span - 1 : max - t) * n + i;
  }
  packed.sort();
  const out = new Array<number>(packed.length);
  for (let k = 0; k < packed.length; k++) out[k] = packed[k]! % n;
  return out;
}

/** True when the query changes what the API sent (so the bytes cannot be passed through). */
export function queryChanges(q: ThreadQuery): boolean {
  return (
    q.user !== undefined ||
    q.since !== undefined ||
    q.until !== undefined ||
    q.grep !== undefined ||
    q.sort !== undefined ||
    q.reverse === true ||
    q.limit !== undefined
  );
}

/**
 * Filters, then sorts, then cuts to the limit. `--since`/`--until` compare `updated_at` (else
 * `created_at`); a thread with neither (or an unreadable one) is dropped by a time filter. Sort
 * `updated`/`created` is newest first, threads without the time last; `fid` is A→Z; stable.
 */
export function applyQuery(threads: readonly unknown[], q: ThreadQuery): unknown[] {
  const needle = q.grep?.toLowerCase();
  const timed = q.since !== undefined || q.until !== undefined;
  const since = q.since ?? -Infinity;
  const until = q.until ?? Infinity;
  // Times are parsed once, into a typed array the sort can read quickly (100,000 threads: BENCH).
  const byTime = q.sort === 'updated' || q.sort === 'created';
  const times = timed || byTime ? new Float64Array(threads.length) : undefined;
  let kept: number[] = [];
  for (let i = 0; i < threads.length; i++) {
    const t = threads[i];
    const o = (typeof t === 'object' && t !== null ? t : {}) as Obj;
    if (q.user !== undefined && o.user_fid !== q.user) continue;
    if (needle !== undefined) {
      const fid = typeof o.thread_fid === 'string' && o.thread_fid.toLowerCase().includes(needle);
      if (!fid && !(typeof o.subject === 'string' && o.subject.toLowerCase().includes(needle))) continue;
    }
    if (timed) {
      const at = updatedOf(o);
      if (Number.isNaN(at) || at < since || at > until) continue;
      times![i] = q.sort === 'created' ? parsed(o.created_at) : at;
    } else if (byTime) {
      times![i] = q.sort === 'created' ? parsed(o.created_at) : updatedOf(o);
    }
    kept.push(i);
  }
  if (q.sort === 'fid') {
    const fids = new Array<string>(threads.length);
    for (const i of kept) {
      const f = (threads[i] as Obj | null)?.thread_fid;
      fids[i] = typeof f === 'string' ? f : '';
    }
    kept.sort((a, b) => (fids[a]! < fids[b]! ? -1 : fids[a]! > fids[b]! ? 1 : a - b));
  } else if (times) {
    // Newest first; a thread without the time goes last; ties keep the API's order.
    for (const i of kept) if (Number.isNaN(times[i]!)) times[i] = -Infinity;
    if (byTime) kept = newestFirst(kept, times);
  }
  if (q.reverse) kept.reverse();
  if (q.limit !== undefined) kept = kept.slice(0, q.limit);
  return kept.map((i) => threads[i]);
}
