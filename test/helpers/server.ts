import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Recorded {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** As they came on the wire: names in their case, duplicates kept. */
  rawHeaders: string[];
  body: string;
  json?: unknown;
}

export type Respond = (req: Recorded, res: http.ServerResponse, n: number) => unknown;

export interface TestServer {
  url: string;
  port: number;
  requests: Recorded[];
  server: http.Server;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1:0 that records every request it receives. */
export async function startServer(respond: Respond): Promise<TestServer> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const rec: Recorded = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        body,
      };
      try {
        rec.json = body ? JSON.parse(body) : undefined;
      } catch {
        // not JSON: keep the text
      }
      requests.push(rec);
      void Promise.resolve(respond(rec, res, requests.length)).catch((err) => {
        res.statusCode = 500;
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function sendJson(
  res: http.ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
