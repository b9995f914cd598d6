import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import { CliError, UsageError } from './errors.js';

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
  if (code === 'EADDRINUSE') return new CliError(`port ${port} is in use`, 1, { hint: 'pick another with --port, or --port 0 for a free one' });
  if (code === 'EACCES') return new CliError(`permission denied to listen on ${host}:${port}`, 1, { hint: 'ports below 1024 need privileges; pick a higher --port' });
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') return new UsageError(`cannot listen on ${host}: no such local address`);
  return new CliError(`cannot listen on ${host}:${port}: ${(err as Error).message}`, 1);
}

/** Resolves when the signal aborts (Ctrl-C, SIGTERM): servers' normal way to stop. */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
