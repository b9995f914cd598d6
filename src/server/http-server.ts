import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import crypto from 'node:crypto';
import { EXIT, CliError, UsageError } from '../errors.js';

/** Listens, resolving with the base URL (the real port when 0 was asked), or rejecting with the bind error. */
export function listen(server: http.Server, port: number, host: string): Promise<{ port: number; origin: string }> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const real = (server.address() as AddressInfo).port;
      resolve({ port: real, origin: `http://${host.includes(':') ? `[${host}]` : host}:${real}` });
    });
  });
}

/**
 * Stops accepting, lets in-flight requests finish, and closes keep-alive connections as soon
 * as they go idle (not after keepAliveTimeout); connections still busy after graceMs are cut.
 */
export function closeGracefully(server: http.Server, graceMs = 5_000): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(cut);
      resolve();
    });
    server.closeIdleConnections();
  });
}

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** Binding errors as the user should read them. */
export function bindError(err: unknown, host: string, port: number): CliError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return new CliError(`port ${port} is in use`, EXIT.FAILURE, {
      hint: 'pick another with --port, or --port 0 for a free one',
    });
  if (code === 'EACCES')
    return new CliError(`permission denied to listen on ${host}:${port}`, EXIT.FAILURE, {
      hint: 'ports below 1024 need privileges; pick a higher --port',
    });
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return new UsageError(`cannot listen on ${host}: no such local address`);
  return new CliError(`cannot listen on ${host}:${port}: ${(err as Error).message}`, EXIT.FAILURE);
}

/** Resolves when the signal aborts (Ctrl-C, SIGTERM): servers' normal way to stop. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** The SHA-256 of a key, to compare with keyMatches: compute it once per server, not per request. */
export class KeyDigest {
  constructor(readonly base64: string) {}
}

function sha256(s: string): string {
  // One-shot crypto.hash as a string: a Hash object per request cost ~10 % of the listener's
  // throughput, and a Buffer digest plus timingSafeEqual twice what this does (~0.65 vs 0.33 us).
  return crypto.hash('sha256', s, 'base64');
}

export function keyDigest(s: string): KeyDigest {
  return new KeyDigest(sha256(s));
}

/**
 * Whether the x-api-key a request carried is the expected one, in constant time: fixed-length
 * digests are compared with no early exit, so neither content nor length leaks through timing.
 * The one check the webhook listener and the sandbox share; `expected` is the key or its keyDigest.
 */
export function keyMatches(given: string | undefined, expected: string | KeyDigest): boolean {
  if (given === undefined) return false;
  const a = sha256(given);
  const b = typeof expected === 'string' ? sha256(expected) : expected.base64;
  // Both are 44 characters (32 bytes in base64): the loop always runs to the end.
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/** A body read whole; `tooLarge` (with the bytes seen) when it passed the limit; `gone` when the peer left. */
export type BodyRead = { body: Buffer } | { tooLarge: number } | { gone: true };

/**
 * A request's body, at most `maxBytes`: the one size-limited reader of the listener and the
 * sandbox. A declared content-length over the limit is refused before any byte is kept; past
 * the limit the chunks read so far are dropped and the rest is no longer kept (the caller answers
 * 413, and decides whether to read on or cut the connection).
 */
export function readBodyLimited(
  req: http.IncomingMessage,
  maxBytes: number,
  declared = Number(req.headers['content-length']),
): Promise<BodyRead> {
  if (declared > maxBytes) return Promise.resolve({ tooLarge: 0 });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (v: BodyRead) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      resolve(v);
    };
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) {
        chunks.length = 0;
        return finish({ tooLarge: size });
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => finish({ body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size) }));
    req.on('error', () => finish({ gone: true }));
    req.on('close', () => finish({ gone: true }));
  });
}

/**
 * Whether a Host header names this server (a page whose own name now resolves to 127.0.0.1, by
 * DNS rebinding, sends that name): its port, and one of `names` (case-insensitive; `[::1]` with
 * its brackets), or with `anyIp` any IP literal (a server bound to 0.0.0.0 has many).
 */
export function hostCheck(
  port: number,
  o: { names: string[]; anyIp?: boolean },
): (host: string | undefined) => boolean {
  const names = new Set(o.names.map((n) => n.toLowerCase()));
  return (host) => {
    if (!host) return false;
    const m = /^(\[[0-9a-f:.]+\]|[^:]+)(?::(\d+))?$/i.exec(host.trim());
    if (!m || Number(m[2] ?? 80) !== port) return false;
    const name = m[1]!.toLowerCase();
    return names.has(name) || (o.anyIp === true && (name.startsWith('[') || /^\d{1,3}(\.\d{1,3}){3}$/.test(name)));
  };
}
