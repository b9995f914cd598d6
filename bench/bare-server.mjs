// The listener benchmark's baseline: a node:http server that reads the body and answers 200.
import http from 'node:http';

const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 17 });
    res.end('{"received":true}');
  });
});
server.listen(0, '127.0.0.1', () => process.stderr.write(`Listening on http://127.0.0.1:${server.address().port}/\n`));
process.on('SIGINT', () => server.close(() => process.exit(0)));
