import { describe, expect, it } from 'vitest';
import { ApiError, AuthError, NotFoundError, NetworkError, bodySummary, errorForStatus, networkError, redact } from '../../src/errors.js';
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
    expect(errorForStatus(400, '{"message":"body is required"}').message).toBe('the API answered 400 Bad Request: body is required');
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

describe('redact', () => {
  it('removes every occurrence of each secret', () => {
    expect(redact('key=sekrit-123 and sekrit-123', ['sekrit-123'])).toBe('key=[redacted] and [redacted]');
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
