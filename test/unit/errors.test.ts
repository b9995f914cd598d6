import { describe, expect, it } from 'vitest';
import {
  ApiError,
  AuthError,
  CliError,
  InterruptedError,
  NotFoundError,
  NetworkError,
  UsageError,
  bodySummary,
  errorForStatus,
  networkError,
  withContext,
} from '../../src/errors.js';
import { EXIT } from '../../src/exit-codes.js';
import { Redactor } from '../../src/output/redact.js';
import { backoffMs, parseRetryAfter } from '../../src/api/client.js';

describe('errorForStatus', () => {
  it('maps statuses to classes and exit codes in one place', () => {
    expect(errorForStatus(401)).toBeInstanceOf(AuthError);
    expect(errorForStatus(403).exitCode).toBe(3);
    expect(errorForStatus(404)).toBeInstanceOf(NotFoundError);
    expect(errorForStatus(404).exitCode).toBe(4);
    expect(errorForStatus(400)).toBeInstanceOf(ApiError);
    expect(errorForStatus(400).exitCode).toBe(1);
    expect(errorForStatus(502).exitCode).toBe(1);
    expect(errorForStatus(500).status).toBe(500);
  });
  it('includes the most useful text of the body', () => {
    expect(errorForStatus(400, '{"message":"body is required"}').message).toBe(
      'the API answered 400 Bad Request: body is required',
    );
    expect(bodySummary('<html><body><h1>502 Bad Gateway</h1></body></html>')).toBe('502 Bad Gateway');
    expect(bodySummary('{"error":{"message":"nope"}}')).toBe('nope');
  });
});

describe('networkError', () => {
  it('turns low-level codes into one sentence with exit 5', () => {
    const refused = networkError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }), '127.0.0.1:9');
    expect(refused).toBeInstanceOf(NetworkError);
    expect(refused.exitCode).toBe(5);
    expect(refused.message).toBe('cannot connect to 127.0.0.1:9: connection refused');
    expect(networkError({ code: 'ENOTFOUND' }, 'nohost.invalid').message).toContain('nohost.invalid');
    expect(networkError({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }, 'h').hint).toContain('NODE_EXTRA_CA_CERTS');
  });
});

describe('Redactor', () => {
  it('removes every occurrence of each secret', () => {
    const r = new Redactor();
    r.add('sekrit-123');
    expect(r.apply('key=sekrit-123 and sekrit-123')).toBe('key=[redacted] and [redacted]');
  });
  it('hides a URL password as written and percent-encoded, and any userinfo in a URL, whole', () => {
    const r = new Redactor();
    r.addUrl('http://bob:p%40ss@api.example/v1');
    expect(r.apply('failed: p@ss / p%40ss')).toBe('failed: [redacted] / [redacted]');
    expect(r.apply('proxy http://alice:hunter2@proxy:3128 refused')).toBe('proxy http://[redacted]@proxy:3128 refused');
    expect(r.apply('mail me at bob@example.com')).toBe('mail me at bob@example.com');
  });
});

describe('exit codes', () => {
  it("are the contract's numbers, and each error class carries its own", () => {
    expect(EXIT).toEqual({ OK: 0, FAILURE: 1, USAGE: 2, AUTH: 3, NOT_FOUND: 4, NETWORK: 5, INTERRUPTED: 130 });
    expect(new CliError('x').exitCode).toBe(EXIT.FAILURE);
    expect(new UsageError('x').exitCode).toBe(EXIT.USAGE);
    expect(new AuthError('x').exitCode).toBe(EXIT.AUTH);
    expect(new NotFoundError('x').exitCode).toBe(EXIT.NOT_FOUND);
    expect(new NetworkError('x').exitCode).toBe(EXIT.NETWORK);
    expect(new ApiError('x', 500).exitCode).toBe(EXIT.FAILURE);
    expect(new InterruptedError().exitCode).toBe(EXIT.INTERRUPTED);
  });
});

describe('withContext', () => {
  it('keeps the class, exit code, status and code, and the original as cause', () => {
    const original = new NetworkError('timed out', { code: 'TIMEOUT', hint: 'raise --timeout' });
    const e = withContext(original, { prefix: 'sending: ', hint: 'check with gurusup threads show t' });
    expect(e).toBeInstanceOf(NetworkError);
    expect(e.exitCode).toBe(5);
    expect(e.code).toBe('TIMEOUT');
    expect(e.message).toBe('sending: timed out');
    expect(e.hint).toBe('check with gurusup threads show t');
    expect(e.cause).toBe(original);
    const api = withContext(new ApiError('bad', 400), { message: 'rejected' });
    expect(api).toBeInstanceOf(ApiError);
    expect(api.status).toBe(400);
    expect(api.message).toBe('rejected');
  });
});

describe('retry timing', () => {
  it('honours Retry-After in seconds or as a date, capped', () => {
    expect(parseRetryAfter('2')).toBe(2000);
    expect(parseRetryAfter(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(backoffMs(0, { retries: 3, baseMs: 100, capMs: 30_000 }, 120_000)).toBe(30_000);
  });
  it('grows exponentially with jitter', () => {
    const p = { retries: 3, baseMs: 100, capMs: 30_000 };
    expect(backoffMs(0, p, undefined, () => 0)).toBe(50);
    expect(backoffMs(2, p, undefined, () => 1)).toBe(400);
  });
});
