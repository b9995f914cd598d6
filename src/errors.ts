import { EXIT } from './exit-codes.js';
export { EXIT };

/** Errors are values carrying the exit code the shim will use. */
export class CliError extends Error {
  readonly exitCode: number;
  readonly hint?: string;
  readonly status?: number;
  constructor(
    message: string,
    exitCode: number = EXIT.FAILURE,
    opts: { hint?: string; status?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = new.target.name;
    this.exitCode = exitCode;
    this.hint = opts.hint;
    this.status = opts.status;
  }
}

export class UsageError extends CliError {
  constructor(message: string, hint?: string) {
    super(message, EXIT.USAGE, { hint });
  }
}

export class AuthError extends CliError {
  constructor(message: string, opts: { hint?: string; status?: number } = {}) {
    super(message, EXIT.AUTH, { hint: opts.hint ?? LOGIN_HINT, status: opts.status });
  }
}

export class NotFoundError extends CliError {
  constructor(message: string, opts: { hint?: string; status?: number } = {}) {
    super(message, EXIT.NOT_FOUND, { status: opts.status ?? 404, hint: opts.hint });
  }
}

export class NetworkError extends CliError {
  readonly code?: string;
  constructor(message: string, opts: { hint?: string; code?: string; cause?: unknown } = {}) {
    super(message, EXIT.NETWORK, opts);
    this.code = opts.code;
  }
}

export class ApiError extends CliError {
  readonly body?: unknown;
  constructor(
    message: string,
    status: number | undefined,
    opts: { hint?: string; body?: unknown; cause?: unknown } = {},
  ) {
    super(message, EXIT.FAILURE, { status, hint: opts.hint, cause: opts.cause });
    this.body = opts.body;
  }
}

/** The status and headers came, then the connection closed before the whole body: exit 1. */
export class CutOffError extends ApiError {
  constructor(status: number, received: number, head: string, host: string, cause?: unknown) {
    super(
      `the response from ${host} (${statusLine(status)}) was cut off after ${received} bytes${head ? `: ${head}` : ''}`,
      status,
      {
        hint: 'the connection dropped in the middle of the answer; try again (--debug shows the exchange)',
        cause,
      },
    );
  }
}

export class InterruptedError extends CliError {
  constructor(hint?: string) {
    super('interrupted', EXIT.INTERRUPTED, { hint });
  }
}

/**
 * The same error with more said about it: its class, exit code, status and hint kept, the
 * original as its cause. `prefix` goes before the message; `hint` replaces the hint.
 */
export function withContext<E extends CliError>(err: E, o: { prefix?: string; message?: string; hint?: string }): E {
  const copy = Object.create(Object.getPrototypeOf(err) as object) as E;
  Object.assign(copy, err);
  const message = o.message ?? (o.prefix ? `${o.prefix}${err.message}` : err.message);
  Object.defineProperty(copy, 'message', { value: message, writable: true, configurable: true });
  Object.defineProperty(copy, 'stack', {
    value: `${err.name}: ${message}\n${(err.stack ?? '').split('\n').slice(1).join('\n')}`,
    writable: true,
    configurable: true,
  });
  if (o.hint !== undefined) Object.defineProperty(copy, 'hint', { value: o.hint, writable: true, configurable: true });
  Object.defineProperty(copy, 'cause', { value: err, writable: true, configurable: true });
  return copy;
}

export const LOGIN_HINT = "run 'gurusup auth login', or set GURUSUP_API_KEY";

export const NO_KEY_MESSAGE = 'no API key: this command needs one';

const STATUS_TEXT: Record<number, string> = {
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  409: 'Conflict',
  413: 'Payload Too Large',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function statusLine(status: number): string {
  const text = STATUS_TEXT[status];
  return text ? `${status} ${text}` : String(status);
}

/** The most useful text in an error body: a JSON message field, else the start of the text. */
export function bodySummary(text: string, max = 120): string {
  const trimmed = text.trim();
  if (!trimmed) return '';
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (parsed && typeof parsed === 'object') {
      const o = parsed as Record<string, unknown>;
      for (const k of ['message', 'error', 'detail', 'title']) {
        const v = o[k];
        if (typeof v === 'string' && v) return clip(v, max);
        if (v && typeof v === 'object' && typeof (v as Record<string, unknown>).message === 'string') {
          return clip(String((v as Record<string, unknown>).message), max);
        }
      }
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return clip(
    trimmed
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim(),
    max,
  );
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/** The single place that maps an HTTP status to an error class. */
export function errorForStatus(status: number, bodyText = '', body?: unknown): CliError {
  const detail = bodySummary(bodyText);
  const suffix = detail ? `: ${detail}` : '';
  if (status === 401 || status === 403) {
    return new AuthError(`the API rejected the key (${statusLine(status)})${suffix}`, { status });
  }
  if (status === 404) return new NotFoundError(`not found (${statusLine(status)})${suffix}`);
  if (status === 429) {
    return new ApiError(`the API is rate limiting requests (${statusLine(status)})${suffix}`, status, {
      hint: 'wait a moment and try again',
      body,
    });
  }
  if (status >= 500) {
    return new ApiError(`the API answered ${statusLine(status)}${suffix}`, status, {
      hint: 'the service or a proxy in between is failing; try again later (--debug shows the exchange)',
      body,
    });
  }
  return new ApiError(`the API answered ${statusLine(status)}${suffix}`, status, { body });
}

/** One plain sentence for a low-level network failure. */
const CERTIFICATE_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** A TLS certificate that was not accepted: its hint (NODE_EXTRA_CA_CERTS) is the one to keep. */
export function isCertificateError(err: NetworkError): boolean {
  return err.code !== undefined && CERTIFICATE_CODES.has(err.code);
}

export function networkError(
  err: unknown,
  target: string,
  hint = 'check --base-url (or GURUSUP_BASE_URL) and your network connection',
): NetworkError {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e?.code && e.code !== 'UND_ERR_SOCKET' ? e.code : (e?.cause?.code ?? e?.code);
  // undici, when the proxy will not open a tunnel to the host (a real proxy answers 502/503).
  const refusedByProxy = /Proxy response \((\d{3})\) !== 200/.exec(e?.message ?? '');
  if (refusedByProxy) {
    return new NetworkError(
      `cannot connect to ${target}: the proxy answered ${statusLine(Number(refusedByProxy[1]))} to CONNECT`,
      {
        code: 'PROXY_CONNECT',
        hint: 'check HTTPS_PROXY / HTTP_PROXY, or add the host to NO_PROXY',
        cause: err,
      },
    );
  }
  if (code === 'PROXY_CLOSED') {
    return new NetworkError(
      `cannot connect to ${target}: the proxy closed the connection instead of opening a tunnel`,
      {
        code,
        hint: 'check HTTPS_PROXY / HTTP_PROXY, or add the host to NO_PROXY',
        cause: err,
      },
    );
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new NetworkError(`cannot connect to ${target}: connection refused`, { code, hint, cause: err });
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new NetworkError(`cannot resolve host ${target}: DNS lookup failed`, { code, hint, cause: err });
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
    case 'EPIPE':
      return new NetworkError(`connection to ${target} was closed unexpectedly`, { code, hint, cause: err });
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return new NetworkError(`timed out connecting to ${target}`, { code, hint, cause: err });
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new NetworkError(`cannot reach ${target}: network unreachable`, { code, hint, cause: err });
    default:
      if (code && CERTIFICATE_CODES.has(code))
        return new NetworkError(`TLS certificate of ${target} was not accepted (${code})`, {
          code,
          hint: 'if you use a private CA, point NODE_EXTRA_CA_CERTS at its certificate file',
          cause: err,
        });
      return new NetworkError(`network error talking to ${target}: ${e?.cause?.message ?? e?.message ?? String(err)}`, {
        code,
        hint,
        cause: err,
      });
  }
}

/** A retry's reason (a status line, or a network error code) in the words errors use. */
export function plainReason(reason: string): string {
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ECONNRESET: 'connection reset',
    UND_ERR_SOCKET: 'connection reset',
    EPIPE: 'connection reset',
    ENOTFOUND: 'DNS lookup failed',
    EAI_AGAIN: 'DNS lookup failed',
    ETIMEDOUT: 'timed out connecting',
    UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
    EHOSTUNREACH: 'network unreachable',
    ENETUNREACH: 'network unreachable',
  };
  return words[reason] ?? reason;
}

/** The one-line message of any failure: ours as written, anything else as an internal error. */
export function errorMessage(err: unknown): string {
  if (err instanceof CliError) return err.message;
  return err instanceof Error ? `internal error: ${err.message}` : `internal error: ${String(err)}`;
}
