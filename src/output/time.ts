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

/** Local time minus UTC at `d`, in ms, seconds included (getTimezoneOffset rounds them away). */
function offsetMs(d: Date): number {
  const local = new Date(0);
  local.setUTCFullYear(d.getFullYear(), d.getMonth(), d.getDate());
  local.setUTCHours(d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds());
  return local.getTime() - d.getTime();
}

/**
 * The same for a time in ms, remembering the last minute: a transcript's messages mostly share
 * their minute with the one before, and the local-time getters cost ~0.4 us a time (5,000
 * messages: ~2 ms). A UTC minute is one local minute when the zone's offset is the same whole
 * number of minutes at both its ends (zones never change twice within a minute); that is checked
 * at the first repeat, so times minutes apart cost nothing more. Old offsets with seconds
 * (Monrovia until 1972) and changes within a minute are never trusted.
 */
let last: { minute: number; text: string; trusted?: boolean } | undefined;
function absoluteTimeAt(t: number): string {
  const minute = Math.floor(t / 60_000);
  if (last?.minute === minute) {
    if (last.trusted === undefined) {
      const start = offsetMs(new Date(minute * 60_000));
      last.trusted = start % 60_000 === 0 && offsetMs(new Date(minute * 60_000 + 59_999)) === start;
    }
    if (last.trusted) return last.text;
    return absoluteTime(new Date(t));
  }
  const text = absoluteTime(new Date(t));
  last = { minute, text };
  return text;
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
  if (Math.abs(diff) > THIRTY_DAYS) return absoluteTimeAt(t);
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
