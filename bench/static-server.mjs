// A minimal loopback server for the benchmarks: answers every request with the same JSON body.
// Usage: node bench/static-server.mjs <body-file>; prints its URL on stderr.
import http from 'node:http';
import fs from 'node:fs';

const body = fs.readFileSync(process.argv[2]);
const server = http.createServer((req, res) => {
  req.resume();
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 1000;
server.listen(0, '127.0.0.1', () =>
  process.stderr.write(`static server on http://127.0.0.1:${server.address().port}\n`),
);
process.on('SIGINT', () => server.close(() => process.exit(0)));
