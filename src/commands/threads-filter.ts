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
    const real = date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(mo) - 1 && date.getUTCDate() === Number(day);
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

function timeOf(t: unknown, keys: readonly string[]): number {
  if (typeof t !== 'object' || t === null) return NaN;
  for (const k of keys) {
    const v = (t as Obj)[k];
    if (typeof v === 'string' && v !== '') return Date.parse(v);
  }
  return NaN;
}

const UPDATED = ['updated_at', 'created_at'] as const;
const CREATED = ['created_at'] as const;

/** True when the query changes what the API sent (so the bytes cannot be passed through). */
export function queryChanges(q: ThreadQuery): boolean {
  return q.user !== undefined || q.since !== undefined || q.until !== undefined || q.grep !== undefined || q.sort !== undefined || q.reverse === true || q.limit !== undefined;
}

/**
 * Filters, then sorts, then cuts to the limit. `--since`/`--until` compare `updated_at` (else
 * `created_at`); a thread with neither (or an unreadable one) is dropped by a time filter. Sort
 * `updated`/`created` is newest first, threads without the time last; `fid` is A→Z; stable.
 */
export function applyQuery(threads: readonly unknown[], q: ThreadQuery): unknown[] {
  const needle = q.grep?.toLowerCase();
  const timed = q.since !== undefined || q.until !== undefined;
  let kept: unknown[] = threads.filter((t) => {
    const o = (typeof t === 'object' && t !== null ? t : {}) as Obj;
    if (q.user !== undefined && o.user_fid !== q.user) return false;
    if (needle !== undefined) {
      const fid = typeof o.thread_fid === 'string' ? o.thread_fid.toLowerCase() : '';
      const subject = typeof o.subject === 'string' ? o.subject.toLowerCase() : '';
      if (!fid.includes(needle) && !subject.includes(needle)) return false;
    }
    if (timed) {
      const at = timeOf(o, UPDATED);
      if (Number.isNaN(at)) return false;
      if (q.since !== undefined && at < q.since) return false;
      if (q.until !== undefined && at > q.until) return false;
    }
    return true;
  });
  if (q.sort === 'fid') {
    const keyed = kept.map((t, i) => ({ t, i, k: typeof (t as Obj)?.thread_fid === 'string' ? ((t as Obj).thread_fid as string) : '' }));
    keyed.sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i));
    kept = keyed.map((x) => x.t);
  } else if (q.sort) {
    const keys = q.sort === 'updated' ? UPDATED : CREATED;
    const keyed = kept.map((t, i) => ({ t, i, k: timeOf(t, keys) }));
    keyed.sort((a, b) => {
      const an = Number.isNaN(a.k);
      const bn = Number.isNaN(b.k);
      if (an || bn) return an === bn ? a.i - b.i : an ? 1 : -1;
      return b.k - a.k || a.i - b.i;
    });
    kept = keyed.map((x) => x.t);
  }
  if (q.reverse) kept.reverse();
  return q.limit !== undefined ? kept.slice(0, q.limit) : kept;
}
