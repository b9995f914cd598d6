import { readUserFile } from '../fs/files.js';
import { SEND_TIMEOUT_S } from '../config/settings.js';
import type { Handler } from './types.js';
import { EXIT, CliError, UsageError, statusLine } from '../errors.js';

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

function splitField(raw: string, flag: string): [string, string] {
  const i = raw.indexOf('=');
  if (i <= 0) throw new UsageError(`${flag} expects key=value, got ${JSON.stringify(raw)}`);
  return [raw.slice(0, i), raw.slice(i + 1)];
}

/** -F values: JSON when they parse as JSON, else the string itself. */
function typed(value: string): unknown {
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

export function parseHeader(raw: string): [string, string] {
  const i = raw.indexOf(':');
  if (i <= 0) throw new UsageError(`-H expects 'name: value', got ${JSON.stringify(raw)}`);
  const name = raw.slice(0, i).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw new UsageError(`invalid header name ${JSON.stringify(name)}`);
  if (name.toLowerCase() === 'x-api-key')
    throw new UsageError('set the key with gurusup auth login or GURUSUP_API_KEY, not -H');
  const value = raw.slice(i + 1).trim();
  if (/[^\t\x20-\x7e\x80-\xff]/.test(value))
    throw new UsageError(`invalid value for header ${name}: only printable Latin-1 characters are allowed`);
  return [name, value];
}

/** As declared in api.ts. */
export interface ApiOptions {
  method?: string;
  field?: string[];
  typedField?: string[];
  input?: string;
  header?: string[];
  include?: boolean;
}

export const api: Handler<ApiOptions> = async (ctx, args, opts) => {
  const { out, io } = ctx;
  let path = String(args[0]);
  if (/^[a-z]+:\/\//i.test(path))
    throw new UsageError(
      'pass a path under the base URL (e.g. /threads), not a full URL',
      'use --base-url to talk to another host',
    );
  if (!path.startsWith('/')) path = `/${path}`;
  const fields = opts.field ?? [];
  const typedFields = opts.typedField ?? [];
  if ((fields.length || typedFields.length) && opts.input !== undefined)
    throw new UsageError('use either -f/-F fields or --input, not both');

  let rawBody: string | undefined;
  if (fields.length || typedFields.length) {
    const body: Record<string, unknown> = {};
    for (const f of fields) {
      const [k, v] = splitField(f, '-f');
      body[k] = v;
    }
    for (const f of typedFields) {
      const [k, v] = splitField(f, '-F');
      body[k] = typed(v);
    }
    rawBody = JSON.stringify(body);
  } else if (opts.input !== undefined) {
    rawBody = await readUserFile(opts.input, '--input', io.stdin);
  }
  const method = opts.method !== undefined ? opts.method.toUpperCase() : rawBody !== undefined ? 'POST' : 'GET';
  if (!METHODS.has(method)) throw new UsageError(`unsupported method ${JSON.stringify(opts.method)}`);
  const headers: Record<string, string> = {};
  for (const h of opts.header ?? []) {
    const [k, v] = parseHeader(h);
    headers[k] = v;
  }

  const s = await ctx.settings(method === 'GET' ? undefined : SEND_TIMEOUT_S);
  const client = await ctx.client(s);
  const res = await out.during(`${method} ${path}`, () => client.send(method, path, { rawBody, headers }));
  if (opts.include) {
    let head = `HTTP ${statusLine(res.status)}\n`;
    for (const [k, v] of Object.entries(res.headers)) {
      for (const one of Array.isArray(v) ? v : [v]) if (one !== undefined) head += `${k}: ${one}\n`;
    }
    out.statusText(head);
  }
  // Fields picked from an error body would print nulls as if they were data: the error line says it.
  const picksFromError = res.status >= 400 && (out.opts.fields?.length ?? 0) > 0;
  if (res.text && !picksFromError) {
    out.answer(res.text);
  }
  // The body is printed whatever the status (like `gh api`); the exit code is the status's.
  try {
    client.expectOk(res);
  } catch (err) {
    if (res.status < 400) return EXIT.OK;
    // A rejected GURUSUP_API_KEY gets the hint that names it, as every other command's does.
    const explained = ctx.explain(err);
    out.error(explained);
    return (explained as CliError).exitCode;
  }
  return EXIT.OK;
};
