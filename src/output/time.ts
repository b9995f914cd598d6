const UNITS: Array<[string, number]> = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
  ['second', 1000],
];

const THIRTY_DAYS = 30 * 86_400_000;

/** A local, absolute time as people read it: `2026-11-25 14:03`. */
export function absoluteTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A local clock time, `14:03:07`: when something happened in this session (the listener). */
export function clockTime(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/**
 * How a terminal shows a time from the API: `3 hours ago`, `in 5 minutes`, `just now`; absolute
 * beyond 30 days. Text that is not a time is returned unchanged.
 */
export function relativeTime(value: string, now = Date.now()): string {
  const t = Date.parse(value);
  if (!value || Number.isNaN(t)) return value;
  const diff = now - t;
  if (Math.abs(diff) > THIRTY_DAYS) return absoluteTime(new Date(t));
  if (Math.abs(diff) < 45_000) return 'just now';
  for (const [unit, ms] of UNITS) {
    const n = Math.round(Math.abs(diff) / ms);
    if (n >= 1 && Math.abs(diff) >= ms * 0.95) {
      const s = `${n} ${unit}${n === 1 ? '' : 's'}`;
      return diff >= 0 ? `${s} ago` : `in ${s}`;
    }
  }
  return 'just now';
}
