import type http from 'node:http';

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
