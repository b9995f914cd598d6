// JSON as the sender wrote it. JSON.parse rounds 12345678901234567890 and turns 1.10 into 1.1; the
// reviver keeps such a number's source text (Chrome 114+, Firefox 135+; elsewhere it is rounded).

export class RawNumber {
  constructor(readonly text: string) {}
}

type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

const keepNumbers: Reviver = (_key, value, context) =>
  typeof value === 'number' && context?.source !== undefined && context.source !== String(value)
    ? new RawNumber(context.source)
    : value;

/** JSON.parse keeping numbers' text (throws as JSON.parse does). */
export function parseExact(text: string): unknown {
  return (JSON.parse as (text: string, reviver: Reviver) => unknown)(text, keepNumbers);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof RawNumber);
}

/** Indented two spaces, numbers as sent. */
export function pretty(v: unknown, indent = ''): string {
  if (v instanceof RawNumber) return v.text;
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    if (v.length === 0) return '[]';
    return `[\n${v.map((x) => inner + pretty(x, inner)).join(',\n')}\n${indent}]`;
  }
  if (isRecord(v)) {
    const keys = Object.keys(v);
    if (keys.length === 0) return '{}';
    return `{\n${keys.map((k) => `${inner}${JSON.stringify(k)}: ${pretty(v[k], inner)}`).join(',\n')}\n${indent}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** On one line, numbers as sent. */
export function compact(v: unknown): string {
  if (v instanceof RawNumber) return v.text;
  if (Array.isArray(v)) return `[${v.map(compact).join(',')}]`;
  if (isRecord(v))
    return `{${Object.keys(v)
      .map((k) => `${JSON.stringify(k)}:${compact(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

/** A scalar as text: strings as they are, numbers as sent; undefined for anything else or empty. */
export function scalar(v: unknown): string | undefined {
  if (typeof v === 'string') return v || undefined;
  if (typeof v === 'number') return String(v);
  if (v instanceof RawNumber) return v.text;
  return undefined;
}
